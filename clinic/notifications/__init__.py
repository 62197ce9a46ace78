"""Patient and staff notifications: message rows, the sweep, transports and consent."""
