"""Definitions every layer shares: the data model, the problem catalogue, configuration and rule sets, the form's layout."""
