# Build the Windows installer: a one-folder PyInstaller bundle, then an Inno Setup
# installer around it. Not run by this project's CI or on its Linux machines: written and
# checked by reading (installer/README.md says what was verified).
#
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
#
#   $env:PYTHON         an interpreter with the app's dependencies and PyInstaller
#                       (default: python)
#   $env:PDC_BUILD_DIR  where to build (default: build\installer in the checkout)
#   $env:ISCC           Inno Setup 6's compiler (default: ISCC.exe on PATH, else its
#                       usual install folder)
$ErrorActionPreference = "Stop"

$AppId = "podman-desktop-companion"
$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
$Python = if ($env:PYTHON) { $env:PYTHON } else { "python" }
$Out = if ($env:PDC_BUILD_DIR) { $env:PDC_BUILD_DIR } else { "$Root\build\installer" }
$Iscc = if ($env:ISCC) { $env:ISCC } else { "ISCC.exe" }
if (-not (Get-Command $Iscc -ErrorAction SilentlyContinue)) {
    $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
}

Push-Location $Root
try {
    $Version = & $Python -c "import app; print(app.__version__)"
    if ($LASTEXITCODE -ne 0) { throw "cannot read the version (is PYTHON right?)" }
    New-Item -ItemType Directory -Force -Path $Out | Out-Null

    & $Python installer\make_icons.py "$Out\icons" --ico
    if ($LASTEXITCODE -ne 0) { throw "make_icons.py failed" }

    & $Python -m PyInstaller --noconfirm --clean --log-level WARN `
        --distpath "$Out\dist" --workpath "$Out\work" "installer\$AppId.spec" `
        -- --icon "$Out\icons\$AppId.ico"
    if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

    # The bundle is a windowed program: its console output goes nowhere, so check the
    # version through the exit code of --version and --self-test's.
    $Exe = "$Out\dist\$AppId\$AppId.exe"
    $p = Start-Process -FilePath $Exe -ArgumentList "--version" -Wait -PassThru
    if ($p.ExitCode -ne 0) { throw "the bundle does not start ($Exe --version)" }
    if ($env:PDC_SELF_TEST_CONNECTION) {
        $p = Start-Process -FilePath $Exe -Wait -PassThru `
            -ArgumentList "--self-test", "--connection", $env:PDC_SELF_TEST_CONNECTION
        if ($p.ExitCode -ne 0) { throw "the bundle's self-test failed" }
    }

    & $Iscc "/DAppVersion=$Version" "/DBundleDir=$Out\dist\$AppId" `
        "/DIconFile=$Out\icons\$AppId.ico" "/O$Out" "installer\windows\$AppId.iss"
    if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
    Write-Host "installer: $Out\$AppId-$Version-setup.exe"
}
finally {
    Pop-Location
}
