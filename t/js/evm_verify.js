#!/usr/bin/env node
// evm_verify.js - compile a Groth16 verifier contract with solc-js, deploy it on a
// local EVM (@ethereumjs/vm) and call verifyProof with a snarkjs proof.
//
//   node t/js/evm_verify.js VERIFIER.sol PROOF.json PUBLIC.json [--tamper a|b|c|pub]
//
// Prints one JSON line {"valid", "deploy_gas", "call_gas", "exec_gas"} and exits
// 0 if verifyProof returned true, 1 if it returned false or reverted, 2 on bad
// input.  call_gas = 21000 + calldata cost + execution gas (what a transaction pays).
'use strict';
const fs = require('fs');
const solc = require('solc');
const { VM } = require('@ethereumjs/vm');
const { Common, Chain, Hardfork } = require('@ethereumjs/common');
const { Address, hexToBytes, bytesToHex } = require('@ethereumjs/util');
const { keccak256 } = require('ethereum-cryptography/keccak');

function die(msg) { process.stderr.write(`evm_verify: ${msg}\n`); process.exit(2); }

function word(v) { return BigInt(v).toString(16).padStart(64, '0'); }

async function main() {
    const [solPath, proofPath, publicPath, flag, what] = process.argv.slice(2);
    if (!solPath || !proofPath || !publicPath) die('usage: evm_verify.js VERIFIER.sol PROOF.json PUBLIC.json [--tamper a|b|c|pub]');
    const source = fs.readFileSync(solPath, 'utf8');
    const proof = JSON.parse(fs.readFileSync(proofPath, 'utf8'));
    const pub = JSON.parse(fs.readFileSync(publicPath, 'utf8'));

    const input = {
        language: 'Solidity',
        sources: { 'Verifier.sol': { content: source } },
        settings: { optimizer: { enabled: true, runs: 200 },
                    outputSelection: { '*': { '*': ['evm.bytecode.object'] } } },
    };
    const out = JSON.parse(solc.compile(JSON.stringify(input)));
    const errors = (out.errors || []).filter((e) => e.severity === 'error');
    if (errors.length) die(`${solPath}: ${errors[0].formattedMessage.split('\n')[0]}`);
    const contracts = out.contracts['Verifier.sol'];
    const name = Object.keys(contracts).find((n) => n.endsWith('Verifier')) || Object.keys(contracts)[0];
    const bytecode = hexToBytes('0x' + contracts[name].evm.bytecode.object);

    // calldata: verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[N]); pB's Fq2 as [c1, c0]
    let a = [proof.pi_a[0], proof.pi_a[1]];
    let b = [[proof.pi_b[0][1], proof.pi_b[0][0]], [proof.pi_b[1][1], proof.pi_b[1][0]]];
    let c = [proof.pi_c[0], proof.pi_c[1]];
    let p = pub.slice();
    if (flag === '--tamper') {
        const q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
        if (what === 'a') a = [a[0], (q - BigInt(a[1])).toString()];         // -A: still on the curve
        else if (what === 'c') c = [c[0], (q - BigInt(c[1])).toString()];
        else if (what === 'b') b = [[b[0][1], b[0][0]], b[1]];               // swapped Fq2 halves
        else if (what === 'pub') p[0] = (BigInt(p[0]) + 1n).toString();
        else die('--tamper takes a, b, c or pub');
    }
    const sig = `verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[${p.length}])`;
    const selector = bytesToHex(keccak256(new TextEncoder().encode(sig))).slice(2, 10);
    const data = '0x' + selector + [...a, ...b[0], ...b[1], ...c, ...p].map(word).join('');

    const common = new Common({ chain: Chain.Mainnet, hardfork: Hardfork.Cancun });
    const vm = await VM.create({ common });
    const caller = Address.fromString('0x' + '11'.repeat(20));
    const dep = await vm.evm.runCall({ caller, data: bytecode, gasLimit: 30000000n });
    if (dep.execResult.exceptionError || !dep.createdAddress) die(`deploy failed: ${dep.execResult.exceptionError && dep.execResult.exceptionError.error}`);
    const calldata = hexToBytes(data);
    const res = await vm.evm.runCall({ caller, to: dep.createdAddress, data: calldata, gasLimit: 30000000n });
    const exec = res.execResult.executionGasUsed;
    let calldataGas = 0n;
    for (const x of calldata) calldataGas += x === 0 ? 4n : 16n;
    const ret = res.execResult.returnValue;
    const valid = !res.execResult.exceptionError && ret.length === 32 && ret[31] === 1;
    console.log(JSON.stringify({ valid, deploy_gas: Number(dep.execResult.executionGasUsed),
                                 call_gas: Number(21000n + calldataGas + exec), exec_gas: Number(exec),
                                 reverted: !!res.execResult.exceptionError }));
    process.exit(valid ? 0 : 1);
}
main().catch((e) => die(e && e.message ? e.message.split('\n')[0] : String(e)));
