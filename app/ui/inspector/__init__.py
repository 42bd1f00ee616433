"""The container inspector window and its tabs."""
