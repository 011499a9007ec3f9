"""The pure steps: data in, new data out. No file is opened here, nothing is printed."""
