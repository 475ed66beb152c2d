"""What several pages share: inputs, the reading, sharing, access, the models in use, session, screen, style."""
