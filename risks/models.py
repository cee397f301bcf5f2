"""Models arrive with their own issue; the app exists so the layout and dependency order are fixed now."""
