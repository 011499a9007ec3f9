@echo off
rem tcpl: tao mau phieu gui cac xa (outputs\mau-phieu)
rem Nhap dup chuot de chay. Logic: tools\launch.py (template).
if exist "%~dp0tools\launch.bat" (call "%~dp0tools\launch.bat" template) else (call "%~dp0..\tools\launch.bat" template)
