"""What goes to the model with the cut: the file header, related code from the workspace, languages."""
