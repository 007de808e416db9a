# shellcheck shell=sh
# tests/cli/fixture_pki.sh: a test PKI made with the openssl command line, for the certificate
# signing method. Source it (after lib.sh), then:
#   pki_init DIR           DIR/root.pem (self-signed CA, P-384) and DIR/int.pem (intermediate CA,
#                          P-256, under the root), both valid from a day ago for ten years, with
#                          their keys DIR/root.key, DIR/int.key
#   pki_ca DIR NAME ISSUER START END
#                          another CA NAME (P-256) under ISSUER (root or int), valid START to END
#   pki_leaf DIR NAME ISSUER KEY START END [usage]
#                          a leaf certificate DIR/NAME.pem for the public key of the EC private
#                          key KEY, under ISSUER (a CA name in DIR), valid START to END; key usage
#                          digitalSignature, extended key usage codeSigning unless usage is given
#   pki_time OFFSET        a time OFFSET from now (GNU date words, e.g. "-2 days") as openssl
#                          takes it (YYYYMMDDHHMMSSZ); pki_rfc3339 OFFSET the same in RFC 3339
# Every name is its certificate's CN. Needs openssl; the caller checks that it is installed.
pki_time() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
pki_rfc3339() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

_pki_conf() { # DIR
	[ -f "$1/ca.cnf" ] && return 0
	mkdir -p "$1/db"
	: >"$1/db/index.txt"
	echo 1000 >"$1/db/serial"
	cat >"$1/ca.cnf" <<EOF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = $1/db/index.txt
serial = $1/db/serial
new_certs_dir = $1/db
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[ any_name ]
commonName = supplied
[ ca_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ leaf_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ nosign_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
}

_pki_issue() { # DIR ISSUER CSR OUT START END EXT
	openssl ca -batch -notext -config "$1/ca.cnf" -cert "$1/$2.pem" -keyfile "$1/$2.key" \
		-in "$3" -out "$4" -startdate "$5" -enddate "$6" -extensions "$7" 2>"$1/ca.err" || {
		sed 's/^/# openssl ca: /' "$1/ca.err"
		return 1
	}
}

pki_init() { # DIR
	mkdir -p "$1"
	_pki_conf "$1"
	openssl ecparam -genkey -name secp384r1 -noout -out "$1/root.key" 2>/dev/null
	openssl req -x509 -new -key "$1/root.key" -subj "/CN=test root" -sha384 \
		-days 3650 -addext "basicConstraints=critical,CA:true" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1/root.pem" 2>/dev/null
	pki_ca "$1" int root "$(pki_time '-1 day')" "$(pki_time '+3650 days')"
}

pki_ca() { # DIR NAME ISSUER START END
	_pki_conf "$1"
	openssl ecparam -genkey -name prime256v1 -noout -out "$1/$2.key" 2>/dev/null
	openssl req -new -key "$1/$2.key" -subj "/CN=$2" -out "$1/$2.csr" 2>/dev/null
	_pki_issue "$1" "$3" "$1/$2.csr" "$1/$2.pem" "$4" "$5" ca_ext
}

pki_leaf() { # DIR NAME ISSUER KEY START END [usage]
	openssl req -new -key "$4" -subj "/CN=$2" -out "$1/$2.csr" 2>/dev/null
	_pki_issue "$1" "$3" "$1/$2.csr" "$1/$2.pem" "$5" "$6" "${7:-leaf}_ext"
}
