@echo off
rem tcpl: tong hop bao cao dinh ky nam cua cac xa (thu muc bao-cao)
rem Nhap dup chuot de chay. Logic: tools\launch.py (reports-year).
if exist "%~dp0tools\launch.bat" (call "%~dp0tools\launch.bat" reports-year) else (call "%~dp0..\tools\launch.bat" reports-year)
