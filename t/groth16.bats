#!/usr/bin/env bats
# raiko-groth16 against the real tools: snarkjs 0.7.6 (setup, prove, verify,
# zkey verify, key export), solc-js and a local EVM (@ethereumjs/vm), all
# pinned in package.json and installed by scripts/install-deps.  The circuit
# comes from t/helpers/g16circuit; the powers of tau (power 8) is a fixture
# made with snarkjs (t/data/groth16/pot8.ptau).
load helper

SJ="$top/node_modules/.bin/snarkjs"
PTAU="$top/t/data/groth16/pot8.ptau"

need_node() {
    command -v node >/dev/null || skip "node is not installed (scripts/install-deps)"
    [ -x "$SJ" ] || skip "snarkjs is not installed (scripts/install-deps runs npm install)"
}

# snarkjs's own files for a 20-constraint circuit, made once for the whole file
setup_file() {
    command -v node >/dev/null && [ -x "$SJ" ] || return 0
    F=$BATS_FILE_TMPDIR
    "$RAIKO_HELPERS/g16circuit" 20 3 "$F/c.r1cs" "$F/c.wtns"
    "$RAIKO_HELPERS/g16circuit" 20 3 "$F/c.r1cs" "$F/bad.wtns" wrong
    "$SJ" groth16 setup "$F/c.r1cs" "$PTAU" "$F/sj.zkey" >/dev/null
    "$SJ" zkey export verificationkey "$F/sj.zkey" "$F/sj_vk.json" >/dev/null
    "$SJ" groth16 prove "$F/sj.zkey" "$F/c.wtns" "$F/sj_proof.json" "$F/sj_public.json"
}

@test "groth16: setup from a ptau equals snarkjs groth16 setup byte for byte; zkey verify accepts it" {
    need_node
    F=$BATS_FILE_TMPDIR
    run raiko-groth16 setup "$F/c.r1cs" "$PTAU" -o "$T/rk.zkey"
    assert_success
    cmp "$T/rk.zkey" "$F/sj.zkey"
    run "$SJ" zkey verify "$F/c.r1cs" "$PTAU" "$T/rk.zkey"
    assert_success
    assert_output --partial "ZKey Ok!"
}

@test "groth16: our proof on snarkjs's zkey and wtns verifies with snarkjs and with us" {
    need_node
    F=$BATS_FILE_TMPDIR
    run raiko-groth16 prove "$F/sj.zkey" "$F/c.wtns" -o "$T/proof.json" --public "$T/public.json"
    assert_success
    assert_output ""
    cmp "$T/public.json" "$F/sj_public.json"
    run "$SJ" groth16 verify "$F/sj_vk.json" "$T/public.json" "$T/proof.json"
    assert_success
    assert_output --partial "OK!"
    run raiko-groth16 verify "$F/sj_vk.json" "$T/public.json" "$T/proof.json"
    assert_success
}

@test "groth16: after a snarkjs phase-2 contribution (delta != 1) our proofs still verify everywhere" {
    need_node
    F=$BATS_FILE_TMPDIR
    raiko-groth16 setup "$F/c.r1cs" "$PTAU" -o "$T/c0.zkey"
    "$SJ" zkey contribute "$T/c0.zkey" "$T/c1.zkey" --name=t -e="raiko test entropy" >/dev/null
    run "$SJ" zkey verify "$F/c.r1cs" "$PTAU" "$T/c1.zkey"
    assert_success
    raiko-groth16 export-vk "$T/c1.zkey" -o "$T/vk.json"
    "$SJ" zkey export verificationkey "$T/c1.zkey" "$T/sj_vk.json" >/dev/null
    cmp "$T/vk.json" "$T/sj_vk.json"
    raiko-groth16 prove "$T/c1.zkey" "$F/c.wtns" -o "$T/proof.json" --public "$T/public.json"
    run "$SJ" groth16 verify "$T/vk.json" "$T/public.json" "$T/proof.json"
    assert_output --partial "OK!"
    run raiko-groth16 verify "$T/vk.json" "$T/public.json" "$T/proof.json"
    assert_success
    # the old key's verification key does not accept it
    run raiko-groth16 verify "$F/sj_vk.json" "$T/public.json" "$T/proof.json"
    assert_failure 1
}

@test "groth16: snarkjs's proof verifies with ours; our files have snarkjs's shape" {
    need_node
    F=$BATS_FILE_TMPDIR
    run raiko-groth16 verify "$F/sj_vk.json" "$F/sj_public.json" "$F/sj_proof.json"
    assert_success
    raiko-groth16 export-vk "$F/sj.zkey" -o "$T/vk.json"
    cmp "$T/vk.json" "$F/sj_vk.json"
    raiko-groth16 prove "$F/sj.zkey" "$F/c.wtns" -o "$T/proof.json"
    # same keys, same nesting, same layout (only the numbers differ: blinding)
    node -e '
        const a = require(process.argv[1]), b = require(process.argv[2]);
        const shape = (x) => Array.isArray(x) ? x.map(shape) : (typeof x === "object" ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, shape(v)])) : typeof x);
        if (JSON.stringify(shape(a)) !== JSON.stringify(shape(b))) { console.log("shape differs"); process.exit(1); }
        if (JSON.stringify(Object.keys(a)) !== JSON.stringify(Object.keys(b))) { console.log("key order differs"); process.exit(1); }
    ' "$T/proof.json" "$F/sj_proof.json"
    sed 's/"[0-9]*"/N/g' "$T/proof.json" >"$T/a"
    sed 's/"[0-9]*"/N/g' "$F/sj_proof.json" >"$T/b"
    cmp "$T/a" "$T/b"
}

@test "groth16: a tampered proof or a wrong public input is rejected by snarkjs and by us" {
    need_node
    F=$BATS_FILE_TMPDIR
    raiko-groth16 prove "$F/sj.zkey" "$F/c.wtns" -o "$T/proof.json" --public "$T/public.json"
    # wrong public input: x = 4 instead of 3
    sed 's/^ "3"$/ "4"/' "$T/public.json" >"$T/wrong_public.json"
    run cmp -s "$T/public.json" "$T/wrong_public.json"
    assert_failure 1    # the sed did change the public input (a mid-test `! cmp` never fails)
    run raiko-groth16 verify "$F/sj_vk.json" "$T/wrong_public.json" "$T/proof.json"
    assert_failure 1
    assert_output "raiko-groth16: $T/proof.json: invalid proof"
    run "$SJ" groth16 verify "$F/sj_vk.json" "$T/wrong_public.json" "$T/proof.json"
    refute_output --partial "OK!"
    # tampered proof: pi_c replaced by pi_a (a valid point, a wrong proof)
    node -e '
        const p = require(process.argv[1]); p.pi_c = p.pi_a;
        require("fs").writeFileSync(process.argv[2], JSON.stringify(p, null, 1));
    ' "$T/proof.json" "$T/tampered.json"
    run raiko-groth16 verify "$F/sj_vk.json" "$T/public.json" "$T/tampered.json"
    assert_failure 1
    run "$SJ" groth16 verify "$F/sj_vk.json" "$T/public.json" "$T/tampered.json"
    refute_output --partial "OK!"
    # a point that is not on the curve is bad input, not a verdict
    sed '0,/"1"/s//"5"/' "$T/proof.json" >"$T/offcurve.json"
    run raiko-groth16 verify "$F/sj_vk.json" "$T/public.json" "$T/offcurve.json"
    assert_failure 2
    assert_one_line
    assert_output --partial "offcurve.json: pi_a"
}

@test "groth16: a witness that breaks a constraint fails check and gives a proof nobody accepts" {
    need_node
    F=$BATS_FILE_TMPDIR
    run raiko-groth16 check "$F/c.r1cs" "$F/c.wtns"
    assert_success
    run raiko-groth16 check "$F/c.r1cs" "$F/bad.wtns"
    assert_failure 1
    assert_output --partial "bad.wtns: constraint 18 of 20 is not satisfied"
    raiko-groth16 prove "$F/sj.zkey" "$F/bad.wtns" -o "$T/proof.json" --public "$T/public.json"
    run raiko-groth16 verify "$F/sj_vk.json" "$T/public.json" "$T/proof.json"
    assert_failure 1
    run "$SJ" groth16 verify "$F/sj_vk.json" "$T/public.json" "$T/proof.json"
    refute_output --partial "OK!"
}

@test "groth16: the insecure deterministic setup is reproducible and snarkjs proves and verifies with it" {
    need_node
    F=$BATS_FILE_TMPDIR
    raiko-groth16 setup --insecure-deterministic 7 "$F/c.r1cs" -o "$T/a.zkey"
    OMP_NUM_THREADS=1 raiko-groth16 setup --insecure-deterministic 7 "$F/c.r1cs" -o "$T/b.zkey"
    cmp "$T/a.zkey" "$T/b.zkey"
    raiko-groth16 setup --insecure-deterministic 8 "$F/c.r1cs" -o "$T/c.zkey"
    run cmp -s "$T/a.zkey" "$T/c.zkey"
    assert_failure 1    # another seed, another key
    "$SJ" groth16 prove "$T/a.zkey" "$F/c.wtns" "$T/p.json" "$T/pub.json"
    raiko-groth16 export-vk "$T/a.zkey" -o "$T/vk.json"
    run raiko-groth16 verify "$T/vk.json" "$T/pub.json" "$T/p.json"
    assert_success
    # seeded proofs are reproducible across thread counts
    s=$(printf '%064d' 1)
    raiko-groth16 prove "$T/a.zkey" "$F/c.wtns" --seed "$s" -o "$T/p1.json"
    OMP_NUM_THREADS=1 raiko-groth16 prove "$T/a.zkey" "$F/c.wtns" --seed "$s" -o "$T/p2.json"
    cmp "$T/p1.json" "$T/p2.json"
}

@test "groth16: the Solidity verifier accepts a valid proof on the EVM and rejects tampered ones" {
    need_node
    F=$BATS_FILE_TMPDIR
    raiko-groth16 solidity "$F/sj_vk.json" -o "$T/Verifier.sol"
    raiko-groth16 prove "$F/sj.zkey" "$F/c.wtns" -o "$T/proof.json" --public "$T/public.json"
    run node "$top/t/js/evm_verify.js" "$T/Verifier.sol" "$T/proof.json" "$T/public.json"
    assert_success
    assert_output --partial '"valid":true'
    echo "# our verifier: $output" >&3
    gas=$(printf '%s' "$output" | sed 's/.*"call_gas":\([0-9]*\).*/\1/')
    [ "$gas" -gt 150000 ] && [ "$gas" -lt 260000 ]
    run node "$top/t/js/evm_verify.js" "$T/Verifier.sol" "$F/sj_proof.json" "$F/sj_public.json"
    assert_success
    for t in a b c pub; do
        run node "$top/t/js/evm_verify.js" "$T/Verifier.sol" "$T/proof.json" "$T/public.json" --tamper $t
        assert_failure 1
        assert_output --partial '"valid":false'
    done
    # snarkjs's own verifier accepts the same proof (and shows its gas for comparison)
    "$SJ" zkey export solidityverifier "$F/sj.zkey" "$T/SjVerifier.sol" >/dev/null
    run node "$top/t/js/evm_verify.js" "$T/SjVerifier.sol" "$T/proof.json" "$T/public.json"
    assert_success
    echo "# snarkjs verifier: $output" >&3
}

# No node needed: fixed vectors made by snarkjs (t/data/groth16/snarkjs/README.md), so an
# independent implementation checks ours even where npm is unreachable.
@test "groth16: fixed snarkjs vectors: its proof verifies, tampered ones do not, our proof verifies under its key" {
    V="$top/t/data/groth16/snarkjs"
    run raiko-groth16 verify "$V/vk.json" "$V/public.json" "$V/proof.json"
    assert_success
    run raiko-groth16 verify "$V/vk.json" "$V/public.json" "$V/proof_tampered.json"
    assert_failure 1
    assert_output "raiko-groth16: $V/proof_tampered.json: invalid proof"
    sed 's/^ "3"$/ "4"/' "$V/public.json" >"$T/wrong_public.json"
    run cmp -s "$V/public.json" "$T/wrong_public.json"
    assert_failure 1
    run raiko-groth16 verify "$V/vk.json" "$T/wrong_public.json" "$V/proof.json"
    assert_failure 1
    assert_output "raiko-groth16: $V/proof.json: invalid proof"
    # our key export is snarkjs's byte for byte, and our prover satisfies snarkjs's key
    raiko-groth16 export-vk "$V/c.zkey" -o "$T/vk.json"
    cmp "$T/vk.json" "$V/vk.json"
    raiko-groth16 prove "$V/c.zkey" "$V/c.wtns" -o "$T/proof.json" --public "$T/public.json"
    cmp "$T/public.json" "$V/public.json"
    run raiko-groth16 verify "$V/vk.json" "$T/public.json" "$T/proof.json"
    assert_success
}

@test "groth16: usage and bad inputs give one line and exit 2; outputs are atomic" {
    run raiko-groth16 --help
    assert_success
    assert_output --partial "Usage: raiko-groth16"
    run raiko-groth16 --version
    assert_success
    assert_output --regexp "^raiko-groth16 [0-9]+\.[0-9]+\.[0-9]+$"
    run raiko-groth16
    assert_failure 2
    run raiko-groth16 frobnicate
    assert_failure 2
    assert_output --partial "unknown command 'frobnicate'"
    run raiko-groth16 prove a.zkey
    assert_failure 2
    run raiko-groth16 prove --seed 12 a.zkey b.wtns -o x
    assert_failure 2
    assert_output --partial "--seed takes 64 hex digits"
    run raiko-groth16 verify "$T/none.json" "$T/none.json" "$T/none.json"
    assert_failure 2
    assert_one_line
    assert_output --partial "none.json"
    "$RAIKO_HELPERS/g16circuit" 4 2 "$T/c.r1cs" "$T/c.wtns"
    # a witness where a key belongs, a truncated key, garbage JSON
    run raiko-groth16 prove "$T/c.wtns" "$T/c.wtns" -o "$T/p.json"
    assert_failure 2
    assert_one_line
    assert_output "raiko-groth16: $T/c.wtns: not a .zkey file (bad magic)"
    raiko-groth16 setup --insecure-deterministic 1 "$T/c.r1cs" -o "$T/c.zkey"
    head -c 1000 "$T/c.zkey" >"$T/short.zkey"
    run raiko-groth16 prove "$T/short.zkey" "$T/c.wtns" -o "$T/p.json"
    assert_failure 2
    assert_one_line
    assert_output --partial "short.zkey: truncated"
    echo '{"protocol": "groth16", ' >"$T/vk.json"
    run raiko-groth16 solidity "$T/vk.json" -o "$T/V.sol"
    assert_failure 2
    assert_one_line
    assert_output --partial "vk.json: bad JSON"
    [ ! -e "$T/V.sol" ] && [ ! -e "$T/p.json" ]
    # a witness of another circuit
    "$RAIKO_HELPERS/g16circuit" 5 2 "$T/d.r1cs" "$T/d.wtns"
    run raiko-groth16 prove "$T/c.zkey" "$T/d.wtns" -o "$T/p.json"
    assert_failure 2
    assert_output --partial "d.wtns: 7 values, but $T/c.zkey has 6 variables"
    # a killed writer leaves nothing under the final name
    RAIKO_TEST_KILL_WRITE=1 run raiko-groth16 export-vk "$T/c.zkey" -o "$T/vk2.json"
    [ ! -e "$T/vk2.json" ]
}
