"""The domain core: types, ports and use cases. Imports only the standard library and itself."""
