# Sourced by the set-up scripts. `with_progress TAG WHAT USUAL COMMAND…` runs COMMAND, saying on
# stderr every 10 s that WHAT is still at work, for how long, and how long it usually takes with
# nothing cached (USUAL), then how long it took; its exit status is the command's.
with_progress() {
  local tag="$1" what="$2" usual="$3" started=$SECONDS ticker status=0
  shift 3
  (while sleep 10; do
    printf '[%s] %s: still at work, %s s so far (usually %s with nothing cached)\n' "$tag" "$what" "$((SECONDS - started))" "$usual" >&2
  done) &
  ticker=$!
  "$@" || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  if [ "$status" -eq 0 ]; then printf '[%s] %s: done in %s s\n' "$tag" "$what" "$((SECONDS - started))" >&2; fi
  return "$status"
}
