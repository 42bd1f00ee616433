"""What a key press sends to the program in the terminal, as xterm sends it."""

from __future__ import annotations

from PySide6.QtCore import Qt

K = Qt.Key
M = Qt.KeyboardModifier

_CURSOR = {K.Key_Up: "A", K.Key_Down: "B", K.Key_Right: "C", K.Key_Left: "D"}
_HOME_END = {K.Key_Home: "H", K.Key_End: "F"}
_TILDE = {
    K.Key_Insert: 2,
    K.Key_Delete: 3,
    K.Key_PageUp: 5,
    K.Key_PageDown: 6,
    K.Key_F5: 15,
    K.Key_F6: 17,
    K.Key_F7: 18,
    K.Key_F8: 19,
    K.Key_F9: 20,
    K.Key_F10: 21,
    K.Key_F11: 23,
    K.Key_F12: 24,
}
_SS3 = {K.Key_F1: "P", K.Key_F2: "Q", K.Key_F3: "R", K.Key_F4: "S"}
_PLAIN = {
    K.Key_Return: b"\r",
    K.Key_Enter: b"\r",
    K.Key_Backspace: b"\x7f",
    K.Key_Tab: b"\t",
    K.Key_Backtab: b"\x1b[Z",
    K.Key_Escape: b"\x1b",
}


def _modifier_code(mods: Qt.KeyboardModifier) -> int:
    """xterm's modifier parameter: 1 + Shift 1 + Alt 2 + Ctrl 4 (1 means none)."""
    code = 1
    if mods & M.ShiftModifier:
        code += 1
    if mods & M.AltModifier:
        code += 2
    if mods & M.ControlModifier:
        code += 4
    return code


def key_bytes(key: int, mods: Qt.KeyboardModifier, text: str, app_cursor: bool) -> bytes | None:
    """The bytes for a key press, or None when the terminal does not send it."""
    mods = mods & ~M.KeypadModifier
    mod = _modifier_code(mods)
    if key in _CURSOR or key in _HOME_END:
        final = _CURSOR.get(key) or _HOME_END[key]
        if mod > 1:
            return f"\x1b[1;{mod}{final}".encode()
        return f"\x1b{'O' if app_cursor else '['}{final}".encode()
    if key in _TILDE:
        suffix = f";{mod}" if mod > 1 else ""
        return f"\x1b[{_TILDE[key]}{suffix}~".encode()
    if key in _SS3:
        if mod > 1:
            return f"\x1b[1;{mod}{_SS3[key]}".encode()
        return f"\x1bO{_SS3[key]}".encode()
    if mods & M.ControlModifier and mods & M.AltModifier and _alt_gr_text(key, text):
        return text.encode("utf-8")  # AltGr on Windows comes as Ctrl+Alt: "@", "{", "€"
    alt = b"\x1b" if mods & M.AltModifier else b""
    if key in _PLAIN:
        return alt + _PLAIN[key]
    if mods & M.ControlModifier:
        control = _control(key)
        if control is not None:
            return alt + control
    if text:
        return alt + text.encode("utf-8")
    return None


def _alt_gr_text(key: int, text: str) -> bool:
    """A printable character other than the key's own: AltGr's, not Ctrl+Alt+key."""
    own = chr(key).lower() if 0x20 <= key < 0x7F else ""
    return bool(text) and text.isprintable() and text.lower() != own


def _control(key: int) -> bytes | None:
    """Ctrl+letter and the other control characters: Ctrl+@ … Ctrl+_ and Ctrl+Space."""
    if K.Key_A <= key <= K.Key_Z:
        return bytes([key - K.Key_A + 1])
    special = {
        K.Key_Space: 0,
        K.Key_At: 0,
        K.Key_2: 0,
        K.Key_BracketLeft: 27,
        K.Key_3: 27,
        K.Key_Backslash: 28,
        K.Key_4: 28,
        K.Key_BracketRight: 29,
        K.Key_5: 29,
        K.Key_AsciiCircum: 30,
        K.Key_6: 30,
        K.Key_Underscore: 31,
        K.Key_Minus: 31,
        K.Key_7: 31,
        K.Key_Question: 127,
        K.Key_8: 127,
    }
    code = special.get(key)
    return None if code is None else bytes([code])
