"""Dialogs: modal screens over the screen that opened them, on one base (base.Dialog)."""
