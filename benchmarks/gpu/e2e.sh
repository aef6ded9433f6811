#!/usr/bin/env bash
# Issue 18, item 4: file to model, run by the bundle's run.sh (section "e2e") from the .gpu folder of scripts/gpu-bundle.sh.
# Writes a seeded E2E_ROWS x E2E_COLS (default 10,000,000 x 128) float32 X.npy and y.npy with NumPy under E2E_DIR, times
# reading the file alone (cat, page cache), runs `logreg train --data X.npy --labels y.npy --backend gpu` where the
# bundle holds the CLI's jars (cli/, with --timings: the phases of the command), then e2e_reference.py: PyTorch's L-BFGS on the
# same GPU to 1e-6 of the float64 Newton optimum, scikit-learn's lbfgs on E2E_SKLEARN_ROWS rows on the CPU cores. Each
# part says so and skips where its tool is missing. Not yet run on a device.
#   bash e2e.sh BUNDLE_DIR
set -eu
here=$(cd "${1:?usage: e2e.sh BUNDLE_DIR}" && pwd)
dir=${E2E_DIR:-${TMPDIR:-/tmp}/logreg-gpu-e2e}
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now) - $1:.3f}')"; }
python3 "$here/e2e_reference.py" write "$dir/X.npy" "$dir/y.npy" "${E2E_ROWS:-10000000}" "${E2E_COLS:-128}" 18
cat "$dir/X.npy" "$dir/y.npy" > /dev/null
t=$(now); cat "$dir/X.npy" "$dir/y.npy" > /dev/null
echo "read the files alone (cat X.npy y.npy, page cache): $(since "$t") s"
if [ -d "$here/cli" ]; then
    cp=$(find "$here/lib" "$here/cli" -name '*.jar' | sort | tr '\n' ':')
    t=$(now)
    "$here/jre/bin/java" -Xmx48g -cp "$cp" dev.logreg.cli.Main train --data "$dir/X.npy" --labels "$dir/y.npy" \
        --backend gpu --out "$dir/model.json" --force --timings
    echo "logreg train --backend gpu, the whole command: $(since "$t") s"
else
    echo "logreg train: the bundle holds no CLI (cli/): not run"
fi
python3 "$here/e2e_reference.py" peers "$dir/X.npy" "$dir/y.npy" "${E2E_LAMBDA:-1.0}" "${E2E_SKLEARN_ROWS:-1000000}"
