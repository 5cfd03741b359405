"""What goes to the model with the cut: the file header and related code from the workspace."""
