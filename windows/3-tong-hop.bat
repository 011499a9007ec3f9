@echo off
rem tcpl: tong hop cac phieu trong inputs vao outputs
rem Nhap dup chuot de chay. Logic: tools\launch.py (consolidate).
if exist "%~dp0tools\launch.bat" (call "%~dp0tools\launch.bat" consolidate) else (call "%~dp0..\tools\launch.bat" consolidate)
