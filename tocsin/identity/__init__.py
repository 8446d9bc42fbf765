"""Signed changes: how a front end signs what it sends a crisis (``signing``), and where the
keys live (``keys``: the organisation's key file, or keys made on first run in the data folder
when there is none).
"""
