@echo off
rem tcpl: chay thu voi du lieu mau (demo\inputs, outputs\demo)
rem Nhap dup chuot de chay. Logic: tools\launch.py (demo).
if exist "%~dp0tools\launch.bat" (call "%~dp0tools\launch.bat" demo) else (call "%~dp0..\tools\launch.bat" demo)
