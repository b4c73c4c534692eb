"""PySide6 widgets: views lay out, controllers wire them to the services."""
