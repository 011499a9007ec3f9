"""Small infrastructure: worker processes, the garbage-collector pause, the run lock."""
