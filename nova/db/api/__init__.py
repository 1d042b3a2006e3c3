"""The API database: global data shared by every cell."""
