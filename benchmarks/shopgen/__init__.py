"""Synthetic shop generator for the reconcile benchmark."""
