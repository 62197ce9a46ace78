#!/bin/sh
# The compose shape's one-shot release step, run before web, worker and beat start: refuse an
# unsafe configuration (a placeholder SECRET_KEY fails the deploy checks), migrate once, and
# load the demo clinic only when asked (SEED_DEMO=true): it resets the demo accounts' password.
set -eu
python manage.py check --deploy --fail-level ERROR
python manage.py migrate --noinput
case "${SEED_DEMO:-false}" in
  true | True | TRUE | 1 | yes) python manage.py seed_demo ;;
  *) echo "Demo clinic not loaded (set SEED_DEMO=true to load it)." ;;
esac
