@echo off
rem tcpl: tong hop bao cao dinh ky 6 thang cua cac xa (thu muc bao-cao)
rem Nhap dup chuot de chay. Logic: tools\launch.py (reports-half-year).
if exist "%~dp0tools\launch.bat" (call "%~dp0tools\launch.bat" reports-half-year) else (call "%~dp0..\tools\launch.bat" reports-half-year)
