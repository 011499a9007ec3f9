@echo off
rem tcpl: cai dat chuong trinh (lan dau, khong can mang khi co thu muc wheels)
rem Nhap dup chuot de chay. Logic: tools\launch.py (setup).
if exist "%~dp0tools\launch.bat" (call "%~dp0tools\launch.bat" setup) else (call "%~dp0..\tools\launch.bat" setup)
