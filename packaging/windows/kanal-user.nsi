; Kanal for one user, without administrator rights (NSIS 3). Built by scripts/build-installer.sh
; (makensis on Linux, CI) and by .github/workflows/windows.yml (makensis on Windows).
;
;   makensis -DVERSION=x.y.z -DSOURCE_DIR=dist/kanal -DICON=kanal.ico -DOUTFILE=out.exe kanal-user.nsi
;
; Installs into %LOCALAPPDATA%\Programs\Kanal, adds a Start-menu entry for this user and an
; entry under "Apps & features" (HKCU). Silent: Kanal-x.y.z-user-setup.exe /S; uninstall silently
; with "%LOCALAPPDATA%\Programs\Kanal\uninstall.exe" /S. Users' data (%LOCALAPPDATA%\Kanal\Kanal)
; is never touched by the uninstaller.

Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!ifndef VERSION
  !error "define VERSION (-DVERSION=x.y.z)"
!endif
!ifndef SOURCE_DIR
  !error "define SOURCE_DIR (-DSOURCE_DIR=dist/kanal)"
!endif
!ifndef ICON
  !error "define ICON (-DICON=path/to/kanal.ico)"
!endif
!ifndef OUTFILE
  !define OUTFILE "Kanal-${VERSION}-user-setup.exe"
!endif

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Kanal"

Name "Kanal ${VERSION}"
OutFile "${OUTFILE}"
Icon "${ICON}"
UninstallIcon "${ICON}"
InstallDir "$LOCALAPPDATA\Programs\Kanal"
InstallDirRegKey HKCU "Software\Kanal\Installer" "InstallDir"
ShowInstDetails nevershow
ShowUninstDetails nevershow

; Version resource of the setup program itself (what IT inventory tools read).
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1033 "ProductName" "Kanal"
VIAddVersionKey /LANG=1033 "CompanyName" "Kanal"
VIAddVersionKey /LANG=1033 "FileDescription" "Kanal per-user setup"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "EUPL-1.2"

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Section "Kanal" SecMain
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; Upgrade in place: the previous version's program files go first (the user's data is
  ; elsewhere), so no file of an older build is left behind.
  RMDir /r "$INSTDIR\_internal"
  File /r "${SOURCE_DIR}\*.*"
  File "/oname=kanal.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\Kanal.lnk" "$INSTDIR\kanalw.exe" "" "$INSTDIR\kanal.ico" 0

  WriteRegStr HKCU "Software\Kanal\Installer" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "Kanal"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Kanal"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\kanal.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\Kanal.lnk"
  ; Only the program folder: the user's drafts, history and settings stay.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\kanal.exe"
  Delete "$INSTDIR\kanalw.exe"
  Delete "$INSTDIR\kanal.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ; Not Software\Kanal\Kanal: that is the window's own settings (QSettings), kept.
  DeleteRegKey HKCU "Software\Kanal\Installer"
SectionEnd
