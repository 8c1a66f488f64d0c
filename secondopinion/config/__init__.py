"""Groups of settings, one concern a module, that secondopinion/settings.py assembles."""
