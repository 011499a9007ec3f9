@echo off
rem tcpl: lap phieu tham dinh cho Hoi dong (outputs\tham-dinh)
rem Nhap dup chuot de chay. Logic: tools\launch.py (appraisal-form).
if exist "%~dp0tools\launch.bat" (call "%~dp0tools\launch.bat" appraisal-form) else (call "%~dp0..\tools\launch.bat" appraisal-form)
