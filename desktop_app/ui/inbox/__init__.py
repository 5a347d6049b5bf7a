"""The unified inbox view (list, filters, conversation pane, notifications)."""
