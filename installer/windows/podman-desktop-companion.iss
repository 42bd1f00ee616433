; Inno Setup 6 script: a per-user install (no administrator rights) of the one-folder
; bundle that installer\windows\build.ps1 builds, which passes the /D values below.
; Needs Inno Setup 6.3 or later (x64compatible). Not compiled on this project's Linux
; machines: see installer\README.md. Uninstall leaves the settings and logs (the user's).
;
;   ISCC /DAppVersion=0.1.0 /DBundleDir=...\dist\podman-desktop-companion
;        /DIconFile=...\podman-desktop-companion.ico /O<outdir> podman-desktop-companion.iss

#ifndef AppVersion
  #error Pass /DAppVersion=<app.__version__> (build.ps1 does)
#endif
#ifndef BundleDir
  #error Pass /DBundleDir=<the PyInstaller bundle folder> (build.ps1 does)
#endif

#define AppName "Podman Desktop Companion"
#define AppId "podman-desktop-companion"
#define AppExe "podman-desktop-companion.exe"

[Setup]
; AppId identifies the install for upgrades and uninstall: never change it.
AppId={#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName} contributors
; Per user: %LOCALAPPDATA%\Programs\Podman Desktop Companion, HKCU, the user's Start menu.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\{#AppExe}
OutputBaseFilename={#AppId}-{#AppVersion}-setup
#ifdef IconFile
SetupIconFile={#IconFile}
#endif
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; A running app holds its files: ask it to close (Restart Manager) before replacing them.
CloseApplications=yes
RestartApplications=no

[Tasks]
Name: "startatlogin"; Description: "Start at &login, minimized to the tray"; Flags: unchecked
Name: "dockersocket"; Description: "Serve the Docker-compatible &socket (\\.\pipe\docker_engine when no other program, such as Docker Desktop, holds it; else the app's own pipe)"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "A light, native companion for Podman"
Name: "{autoprograms}\{#AppName} (uninstall)"; Filename: "{uninstallexe}"

[Registry]
; Start at login: the Run value the app's Settings → Startup page points to. Removed on
; uninstall; turned off by the user under Settings → Apps → Startup.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; \
    ValueName: "{#AppId}"; ValueData: """{app}\{#AppExe}"" --minimized"; \
    Flags: uninsdeletevalue; Tasks: startatlogin

[INI]
; The app's own setting (QSettings INI, %APPDATA%\podman-desktop-companion\settings.ini,
; key docker/enabled). The app picks the pipe at run time: \\.\pipe\docker_engine when it
; is free, else \\.\pipe\podman-desktop-companion (app\controllers\docker_socket.py,
; default_address), so a Docker Desktop already serving docker_engine keeps it. Written
; only when the user has no setting yet: an upgrade keeps their choice.
Filename: "{userappdata}\{#AppId}\settings.ini"; Section: "docker"; Key: "enabled"; \
    String: "true"; Flags: createkeyifdoesntexist; Tasks: dockersocket
Filename: "{userappdata}\{#AppId}\settings.ini"; Section: "docker"; Key: "enabled"; \
    String: "false"; Flags: createkeyifdoesntexist; Tasks: not dockersocket

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName} now"; \
    Flags: nowait postinstall skipifsilent
