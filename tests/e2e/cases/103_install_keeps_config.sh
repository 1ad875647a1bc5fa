#!/bin/bash
# 103: `make install DESTDIR=...` twice with an edited sems.conf and
# ivr.conf in between: the edits survive, the new files land beside them
# as .conf.dist (and the message says so), an unedited config is left as
# it is, and sems.service, sems-ctl and ivr.pyi are installed.
. "$(dirname "$0")/../lib.sh"
e2e_init
dest=$CASE_DIR/dest
etc=$dest/usr/local/etc/sems
make -s -C "$E2E_ROOT" install DESTDIR="$dest" PREFIX=/usr/local > "$CASE_DIR/install1.log" 2>&1 ||
	e2e_fail "first make install failed: $(tail -3 "$CASE_DIR/install1.log")"
[ -f "$etc/sems.conf" ] && [ -f "$etc/etc/ivr.conf" ] || e2e_fail "no sems.conf/ivr.conf installed"
[ -e "$etc/sems.conf.dist" ] && e2e_fail "a .dist on a fresh install"
for f in usr/local/lib/systemd/system/sems.service usr/local/sbin/sems-ctl usr/local/lib/sems/python/ivr.pyi; do
	[ -f "$dest/$f" ] || e2e_fail "$f not installed"
done
grep -q '^ExecStart=/usr/local/sbin/sems -f /usr/local/etc/sems/sems.conf' "$dest/usr/local/lib/systemd/system/sems.service" ||
	e2e_fail "sems.service has no ExecStart with the prefix filled in"
grep -q '^User=sems' "$dest/usr/local/lib/systemd/system/sems.service" || e2e_fail "sems.service does not run as user sems"
echo "sip_port=5099   # edited by the admin" >> "$etc/sems.conf"
echo "# edited" >> "$etc/etc/ivr.conf"
cp "$etc/etc/announce.conf" "$CASE_DIR/announce.before"
make -s -C "$E2E_ROOT" install DESTDIR="$dest" PREFIX=/usr/local > "$CASE_DIR/install2.log" 2>&1 ||
	e2e_fail "second make install failed: $(tail -3 "$CASE_DIR/install2.log")"
grep -q 'sip_port=5099   # edited by the admin' "$etc/sems.conf" || e2e_fail "the edit of sems.conf was overwritten"
grep -q '^# edited' "$etc/etc/ivr.conf" || e2e_fail "the edit of ivr.conf was overwritten"
[ -f "$etc/sems.conf.dist" ] && [ -f "$etc/etc/ivr.conf.dist" ] || e2e_fail "no .conf.dist beside the edited files"
grep -q 'sip_port=5099' "$etc/sems.conf.dist" && e2e_fail "sems.conf.dist holds the edit"
grep -q "kept $etc/sems.conf (edited)" "$CASE_DIR/install2.log" || e2e_fail "make install did not say it kept sems.conf"
cmp -s "$etc/etc/announce.conf" "$CASE_DIR/announce.before" || e2e_fail "announce.conf changed"
[ -e "$etc/etc/announce.conf.dist" ] && e2e_fail "a .dist for the unedited announce.conf"
e2e_pass
