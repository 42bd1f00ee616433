"""A terminal emulator widget (pyte + QPainter) for interactive execs."""
