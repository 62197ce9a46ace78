"""Django's makemessages, without fuzzy guesses: msgmerge would otherwise fill a new string
with the translation of a similar old one, marked fuzzy, which Spanish readers would never see
(fuzzy entries are not compiled) and which tests/clinic/test_languages.py refuses."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
