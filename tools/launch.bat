@echo off
rem tcpl on Windows: find Python 3.11+ and run tools\launch.py with the launcher's command.
rem Called by the double-clickable launchers (1-cai-dat.bat ...); ASCII only, for any code page.
setlocal
cd /d "%~dp0.."
set "TCPL_PY="
py -3.11 -c "import sys" >nul 2>&1 && set "TCPL_PY=py -3.11"
if not defined TCPL_PY py -3 -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && set "TCPL_PY=py -3"
if not defined TCPL_PY python -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && set "TCPL_PY=python"
if not defined TCPL_PY (
  echo Khong tim thay Python 3.11 tren may nay.
  echo Cai Python 3.11 ban 64-bit theo tep HUONG-DAN-CAI-DAT.txt, roi chay lai.
  echo Nhan phim bat ky de dong cua so nay.
  pause >nul
  exit /b 9009
)
%TCPL_PY% tools\launch.py %*
exit /b %errorlevel%
