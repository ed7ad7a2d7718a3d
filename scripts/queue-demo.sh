#!/bin/bash
# One notebook's full run through the sweep queue (Redis on port 6390, two `antitrain worker`s on this machine) and
# again locally (SEED_WORKERS=2), each into an empty seed cache under /tmp; prints both wall times and whether every
# seed value and the results JSON (timings aside) are identical. Like any FULL=1 run it writes results/NAME.json and
# reports/NAME.*: run it in a scratch clone (git clone . /tmp/scratch && cd /tmp/scratch && npm run setup && npm run build).
#   bash scripts/queue-demo.sh 08-generalizing-vs-memorizing
set -u
NB=${1:-08-generalizing-vs-memorizing}
cd "$(dirname "$0")/.."
rm -rf /tmp/qcache /tmp/lcache /tmp/wcache-a /tmp/wcache-b; mkdir -p /tmp/qcache /tmp/lcache
redis-server --port 6390 --save "" --daemonize yes --logfile /tmp/redis-6390.log
sleep 1
ANTITRAIN_SEED_CACHE=/tmp/wcache-a node dist/runs/cli.js worker --redis redis://127.0.0.1:6390 > /tmp/worker-a.log 2>&1 &
WA=$!
ANTITRAIN_SEED_CACHE=/tmp/wcache-b node dist/runs/cli.js worker --redis redis://127.0.0.1:6390 > /tmp/worker-b.log 2>&1 &
WB=$!
t0=$(date +%s)
FULL=1 SEED_QUEUE=redis://127.0.0.1:6390 ANTITRAIN_SEED_CACHE=/tmp/qcache CELL_TIMEOUT_S=5400 node scripts/run-notebooks.js $NB
t1=$(date +%s)
kill $WA $WB; redis-cli -p 6390 shutdown nosave
cp results/$NB.json /tmp/queued-$NB.json; cp reports/$NB.html /tmp/queued-$NB.html
t2=$(date +%s)
FULL=1 SEED_WORKERS=2 ANTITRAIN_SEED_CACHE=/tmp/lcache CELL_TIMEOUT_S=5400 node scripts/run-notebooks.js $NB
t3=$(date +%s)
cp results/$NB.json /tmp/local-$NB.json
echo "queued wall $((t1-t0)) s; local (SEED_WORKERS=2) wall $((t3-t2)) s"
node -e "
const strip=(o)=>JSON.parse(JSON.stringify(o,(k,v)=>(/seconds|Seconds|backend|writtenAt|ms\$|Ms\$/.test(k)?undefined:v)));
const a=strip(require('/tmp/queued-$NB.json')), b=strip(require('/tmp/local-$NB.json'));
console.log('results equal (timings stripped):', JSON.stringify(a)===JSON.stringify(b));"
for f in /tmp/qcache/*/seed-*.json; do n=${f#/tmp/qcache/}; cmp -s <(node -e "console.log(JSON.stringify(require('$f').value))") <(node -e "console.log(JSON.stringify(require('/tmp/lcache/$n').value))") && echo "same $n" || echo "DIFF $n"; done
