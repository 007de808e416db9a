#!/bin/sh
# hallmark key generate|import|id|public: key files, modes, overwrite rules,
# passphrase sources (environment, file, terminal prompt) and OpenSSL interop.
. tests/cli/lib.sh
cd "$T" || exit 1
unset HALLMARK_PASSPHRASE

# Runs a command without a controlling terminal, so a passphrase prompt cannot
# reach the developer's terminal: the command must find no way to ask.
if command -v setsid >/dev/null 2>&1; then
	notty() { setsid -w "$@" </dev/null; }
else
	notty() { "$@" </dev/null; }
fi
mode() { stat -c %a "$1"; }
spki_id() { openssl pkey -pubin -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
have_openssl=0
command -v openssl >/dev/null 2>&1 && have_openssl=1

# --- generate, unencrypted -------------------------------------------------
ok "key generate --no-passphrase" "$HM" key generate -o a --no-passphrase
id_a=$(cat "$T/.out")
like "generate prints the key id (64 lowercase hex)" '^[0-9a-f]{64}$' "$T/.out"
like "generate says the key is not encrypted" 'NOT encrypted' "$T/.err"
is "PREFIX.key is mode 0600" "$(mode a.key)" 600
is "PREFIX.pub is mode 0644" "$(mode a.pub)" 644
like "PREFIX.key is a hallmark key file" '"format": "hallmark-secret-key"' a.key
like "an unencrypted key says encryption null" '"encryption": null' a.key
like "PREFIX.pub is a PEM public key" '^-----BEGIN PUBLIC KEY-----$' a.pub
is "key id of PREFIX.pub" "$("$HM" key id a.pub)" "$id_a"
is "key id of PREFIX.key (no passphrase needed)" "$("$HM" key id a.key)" "$id_a"
if [ $have_openssl = 1 ]; then
	ok "openssl pkey -pubin reads PREFIX.pub" openssl pkey -pubin -in a.pub -noout
	is "key id = sha256 of the DER SubjectPublicKeyInfo" "$(spki_id a.pub)" "$id_a"
	openssl pkey -pubin -in a.pub -text -noout >a.txt 2>&1
	like "openssl sees an ED25519 public key" 'ED25519 Public-Key' a.txt
else
	skip "openssl pkey -pubin reads PREFIX.pub" "openssl not installed"
	skip "key id = sha256 of the DER SubjectPublicKeyInfo" "openssl not installed"
	skip "openssl sees an ED25519 public key" "openssl not installed"
fi
"$HM" key public a.key >a.pem 2>/dev/null
ok "key public PREFIX.key equals PREFIX.pub" cmp a.pem a.pub

# The mode does not depend on the umask.
(umask 0; "$HM" key generate -o u --no-passphrase >/dev/null 2>&1)
is "PREFIX.key is 0600 even with umask 0" "$(mode u.key)" 600

# --- overwrite rules ---------------------------------------------------------
cp a.key a.key.orig; cp a.pub a.pub.orig
fails 2 "generate refuses to overwrite PREFIX.key" "$HM" key generate -o a --no-passphrase
like "the refusal names the file and --force" 'a\.key: already exists.*--force' "$T/.err"
ok "PREFIX.key unchanged after the refusal" cmp a.key a.key.orig
ok "PREFIX.pub unchanged after the refusal" cmp a.pub a.pub.orig
rm u.key
fails 2 "generate refuses when only PREFIX.pub exists" "$HM" key generate -o u --no-passphrase
ok "and creates no PREFIX.key" test ! -e u.key
# A dangling symlink at PREFIX.key is not followed (the file is created exclusively).
ln -s "$T/victim" s.key
fails 2 "generate refuses a dangling symlink at PREFIX.key" "$HM" key generate -o s --no-passphrase
ok "the symlink's target was not created" test ! -e victim
ok "no PREFIX.pub left behind" test ! -e s.pub
ok "generate --force overwrites" "$HM" key generate -o a --no-passphrase --force
id_a2=$(cat "$T/.out")
ok "--force made a new key" test "$id_a2" != "$id_a"
is "the new PREFIX.pub matches the new key" "$("$HM" key id a.pub)" "$id_a2"
is "the overwritten PREFIX.key is still 0600" "$(mode a.key)" 600
ls -A >listing
unlike "no temporary files left in the directory" '\.tmp\.' listing

# --- usage errors --------------------------------------------------------------
fails 2 "generate without -o is a usage error" "$HM" key generate --no-passphrase
like "the usage error says -o is required" '\-o PREFIX is required' "$T/.err"
fails 2 "unknown option is a usage error" "$HM" key generate -o x --bogus
fails 2 "generate takes no positional argument" "$HM" key generate -o x extra --no-passphrase
ok "generate --help exits 0" "$HM" key generate --help
like "generate --help documents --passphrase-file" '\-\-passphrase-file' "$T/.out"
fails 2 "unknown key subcommand" "$HM" key frobnicate

# --- passphrase sources ----------------------------------------------------------
fails 2 "no passphrase source and no --no-passphrase: an error" notty "$HM" key generate -o np
like "the error names the ways to give one" 'HALLMARK_PASSPHRASE.*--passphrase-file.*--no-passphrase' "$T/.err"
ok "and writes no key" test ! -e np.key -a ! -e np.pub
fails 2 "an empty passphrase is refused" env HALLMARK_PASSPHRASE= "$HM" key generate -o np
like "the refusal explains" 'empty passphrase' "$T/.err"
fails 2 "a missing passphrase file is an error" "$HM" key generate -o np --passphrase-file nonexistent
like "the error names the passphrase file" 'nonexistent: cannot read the passphrase file' "$T/.err"
ok "and writes no key" test ! -e np.key -a ! -e np.pub

# Encrypted with HALLMARK_PASSPHRASE (Argon2id MODERATE: keep these few).
ok "generate with HALLMARK_PASSPHRASE" env HALLMARK_PASSPHRASE='correct horse' "$HM" key generate -o e
id_e=$(cat "$T/.out")
like "generate says the key is encrypted" 'encrypted' "$T/.err"
like "the key file records argon2id" '"kdf": "argon2id13"' e.key
is "PREFIX.key of an encrypted key is 0600" "$(mode e.key)" 600
is "key id of an encrypted key needs no passphrase" "$(notty "$HM" key id e.key)" "$id_e"
notty "$HM" key public e.key >e.pem 2>/dev/null
ok "key public of an encrypted key needs no passphrase" cmp e.pem e.pub
printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"m","digest":{"sha256":"%s"}}],"predicateType":"https://example.com/t/v1","predicate":{}}\n' \
	"$(printf x | sha256sum | cut -d' ' -f1)" >st.json
ok "the encrypted key signs with its passphrase" \
	env HALLMARK_PASSPHRASE='correct horse' "$HM" sign --key e.key --bundle e.jsonl st.json
ok "and the signature verifies with PREFIX.pub" "$HM" bundle check e.jsonl --key e.pub
fails 2 "a wrong passphrase fails" \
	env HALLMARK_PASSPHRASE='wrong horse' "$HM" sign --key e.key --bundle wrong.jsonl st.json
like "and says the passphrase is wrong" 'e\.key: wrong passphrase' "$T/.err"
ok "no bundle is written with a wrong passphrase" test ! -e wrong.jsonl
printf 'wrong horse\n' >wrong.txt
ok "HALLMARK_PASSPHRASE wins over --passphrase-file" \
	env HALLMARK_PASSPHRASE='correct horse' "$HM" sign --key e.key --bundle e2.jsonl --passphrase-file wrong.txt st.json
fails 2 "an encrypted key with no passphrase source fails" notty "$HM" sign --key e.key --bundle wrong.jsonl st.json
like "and says which ways there are to give one" 'needs a passphrase.*HALLMARK_PASSPHRASE' "$T/.err"
unlike "the error is printed once, not as a bare code" 'HM_E[A-Z]+' "$T/.err"

# --- import ----------------------------------------------------------------------------
if [ $have_openssl = 1 ]; then
	openssl genpkey -algorithm ed25519 -out o.pem 2>/dev/null
	want=$(openssl pkey -in o.pem -pubout -outform DER | sha256sum | cut -d' ' -f1)
	ok "key import of openssl genpkey output" "$HM" key import o.pem -o imp --no-passphrase
	is "import prints the key id = sha256(openssl DER SPKI)" "$(cat "$T/.out")" "$want"
	is "key id of the imported .pub" "$("$HM" key id imp.pub)" "$want"
	is "key id of the imported .key" "$("$HM" key id imp.key)" "$want"
	is "key id of the OpenSSL PEM itself" "$("$HM" key id o.pem)" "$want"
	openssl pkey -in o.pem -pubout >o.pub
	"$HM" key public imp.key >imp.pem
	ok "key public imported.key = openssl pkey -pubout" cmp imp.pem o.pub
	ok "imported PREFIX.pub = openssl pkey -pubout" cmp imp.pub o.pub
	"$HM" key public o.pem >o2.pub
	ok "key public of the OpenSSL PEM = openssl pkey -pubout" cmp o2.pub o.pub
	is "the imported PREFIX.key is 0600" "$(mode imp.key)" 600
	"$HM" key id a.pub imp.pub >ids
	is "key id with several files prints id and name" "$(cat ids)" "$id_a2  a.pub
$want  imp.pub"
	fails 2 "import refuses to overwrite without --force" "$HM" key import o.pem -o imp --no-passphrase
	fails 2 "import of a public key is refused" "$HM" key import o.pub -o pubonly --no-passphrase
	like "the refusal says it needs the private key" 'public key.*private key' "$T/.err"
	ok "and writes nothing" test ! -e pubonly.key
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa.pem 2>/dev/null
	fails 1 "import of an RSA key is refused" "$HM" key import rsa.pem -o rsa --no-passphrase
	like "the refusal is explained" '[Ee]d25519|not supported|unsupported' "$T/.err"
	ok "and writes nothing" test ! -e rsa.key
	# Imported with a new passphrase from a file: the key must then sign with it.
	printf 'from a file\n' >pass.txt
	ok "import --passphrase-file" "$HM" key import o.pem -o impe --passphrase-file pass.txt
	like "the imported key is encrypted" '"kdf": "argon2id13"' impe.key
	ok "it signs with --passphrase-file" \
		"$HM" sign --key impe.key --bundle impe.jsonl --passphrase-file pass.txt st.json
	ok "and verifies with the OpenSSL public key" "$HM" bundle check impe.jsonl --key o.pub
else
	for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23; do
		skip "key import interop $n" "openssl not installed"
	done
fi
fails 2 "import of a missing file is an unreadable-file error" "$HM" key import missing.pem -o m --no-passphrase
fails 2 "import without FILE is a usage error" "$HM" key import -o m --no-passphrase
printf 'hello\n' >junk.txt
fails 1 "key id of a file that is no key fails" "$HM" key id junk.txt
like "and the error names the file" 'junk\.txt' "$T/.err"
fails 2 "key id of a missing file fails" "$HM" key id missing.pub
"$HM" key id a.pub missing.pub >partial 2>/dev/null; st=$?
ok "key id of good and missing files fails" test $st -ne 0
like "and still prints the good one's id" "^$id_a2  a\.pub$" partial

# --- --force replaces the pair as one unit -----------------------------------------------
mkdir fpair
"$HM" key generate -o fpair/k --no-passphrase >/dev/null 2>&1
cp fpair/k.key fpair/old.key
rm fpair/k.pub
mkdir fpair/k.pub
: >fpair/k.pub/blocker
fails 2 "--force fails when the .pub cannot be replaced" "$HM" key generate -o fpair/k --no-passphrase --force
like "and names it" 'k\.pub: is a directory' "$T/.err"
ok "the old secret key is put back" cmp fpair/k.key fpair/old.key
is "and nothing else is left behind" "$(ls -A fpair | tr '\n' ' ')" "k.key k.pub old.key "
rm -r fpair/k.pub
ok "--force then replaces both" "$HM" key generate -o fpair/k --no-passphrase --force
ok "with a new secret key" sh -c '! cmp -s fpair/k.key fpair/old.key'
is "whose .pub matches it" "$("$HM" key id fpair/k.pub)" "$("$HM" key id fpair/k.key)"

# --- the terminal prompt ------------------------------------------------------------
# python3's pty module: the child gets the pty as its controlling terminal, and we
# type only after each prompt appears (the prompt flushes typed-ahead input).
cat >ttydrive.py <<'EOF'
import os, pty, re, select, sys, time
# usage: ttydrive.py TRANSCRIPT ANSWER1 [ANSWER2] -- command...
out, rest = sys.argv[1], sys.argv[2:]
sep = rest.index('--')
answers, cmd = rest[:sep], rest[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
buf = b''
def read_until(pattern, deadline):
    global buf
    while not re.search(pattern, buf):
        if time.time() > deadline:
            return False
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                return False
            if not data:
                return False
            buf += data
    return True
for i, a in enumerate(answers):
    pat = rb'Passphrase for [^:]*: ' if i == 0 else rb'Repeat the passphrase: '
    if not read_until(pat, time.time() + 20):
        break
    os.write(fd, a.encode() + b'\n')
    # wait for the echoed newline (ECHONL) before the next prompt can be matched
    time.sleep(0.1)
while True:
    try:
        r, _, _ = select.select([fd], [], [], 30)
        data = os.read(fd, 4096) if r else b''
    except OSError:
        data = b''
    if not data:
        break
    buf += data
_, status = os.waitpid(pid, 0)
open(out, 'wb').write(buf)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else status >> 8)
EOF
if command -v python3 >/dev/null 2>&1 &&
	python3 -c 'import os, pty; m, s = pty.openpty(); os.close(m); os.close(s)' 2>/dev/null; then
	ok "generate asks twice on the terminal" \
		python3 ttydrive.py tty1.log 'typed secret' 'typed secret' -- "$HM" key generate -o t
	like "it asks for the passphrase" 'Passphrase for t\.key: ' tty1.log
	like "and asks again to confirm" 'Repeat the passphrase: ' tty1.log
	unlike "the passphrase is not echoed" 'typed secret' tty1.log
	like "the key is encrypted" '"kdf": "argon2id13"' t.key
	ok "the typed passphrase unlocks the key" \
		env HALLMARK_PASSPHRASE='typed secret' "$HM" sign --key t.key --bundle t.jsonl st.json
	fails 2 "mismatched passphrases on the terminal fail" \
		python3 ttydrive.py tty2.log 'one thing' 'another thing' -- "$HM" key generate -o tm
	like "and say they do not match" 'passphrases do not match' tty2.log
	ok "and write no key" test ! -e tm.key -a ! -e tm.pub
	ok "sign asks for the passphrase of an encrypted key on the terminal" \
		python3 ttydrive.py tty3.log 'typed secret' -- "$HM" sign --key t.key --bundle t2.jsonl st.json
	like "the prompt names the secret key" 'Passphrase for the secret key: ' tty3.log
	ok "and the bundle verifies" "$HM" bundle check t2.jsonl --key t.pub
	fails 2 "a wrong passphrase typed on the terminal fails" \
		python3 ttydrive.py tty4.log 'not it' -- "$HM" sign --key t.key --bundle t3.jsonl st.json
	like "and says it is wrong" 'wrong passphrase' tty4.log
	cat >ctrlc.py <<'EOF'
import os, pty, re, select, sys, time, termios, signal
cmd = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
buf = b''
deadline = time.time() + 20
while not re.search(rb'Passphrase for [^:]*: ', buf) and time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        buf += os.read(fd, 4096)
echo_during = termios.tcgetattr(fd)[3] & termios.ECHO
os.write(fd, b'\x03')
_, status = os.waitpid(pid, 0)
echo_after = termios.tcgetattr(fd)[3] & termios.ECHO
print("during", bool(echo_during), "after", bool(echo_after), "signalled", os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT)
sys.exit(0 if (not echo_during and echo_after) else 1)
EOF
	ok "Ctrl-C at the prompt puts the terminal's echo back" python3 ctrlc.py "$HM" key generate -o cc
	ok "and writes no key" test ! -e cc.key -a ! -e cc.pub
else
	for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		skip "terminal prompt $n" "no python3 pty module or no pseudo-terminal available"
	done
fi

# --- secret key files must be private ---------------------------------------------
"$HM" key generate -o priv --no-passphrase >/dev/null 2>&1
chmod 644 priv.key
fails 2 "key public refuses a secret key file others can read" "$HM" key public priv.key
like "naming the file and the fix" 'priv\.key: .*\(mode 0644\).*chmod 600 priv\.key' "$T/.err"
fails 2 "key id refuses it too" "$HM" key id priv.key
fails 2 "key import refuses it too" "$HM" key import priv.key -o imp-open --no-passphrase
ok "and writes nothing" test ! -e imp-open.key
ok "a public key file may be world-readable" "$HM" key id priv.pub
chmod 600 priv.key
ok "key public reads it once it is mode 0600" "$HM" key public priv.key
if [ $have_openssl = 1 ]; then
	openssl genpkey -algorithm ed25519 -out open.pem 2>/dev/null
	chmod 644 open.pem
	fails 2 "an OpenSSL private key others can read is refused" "$HM" key import open.pem \
		-o imp-pem --no-passphrase
	like "naming it" 'open\.pem: .*chmod 600 open\.pem' "$T/.err"
else
	skip "an OpenSSL private key others can read is refused" "openssl not installed"
	skip "naming it" "openssl not installed"
fi

done_testing
