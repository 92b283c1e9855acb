"""The Qt user interface: main window, chat view, parameter and statistics panels, and the turn worker."""
