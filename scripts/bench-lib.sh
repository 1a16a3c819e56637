# The machinery of scripts/bench, sourced by it (and by tests/bench_pairs.rs): running an
# example, the app-vs-bare pairs, and the table. It expects ROOT, EXAMPLES (the built
# examples), STEP_TIMEOUT, PAIRS and CRASHES (a file) to be set before it is used.
# shellcheck shell=bash

step() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'scripts/bench: warning: %s\n' "$*" >&2; }
die() { printf 'scripts/bench: error: %s\n' "$*" >&2; exit 1; }

# Examples that did not build: their rows say n/a.
declare -A BROKEN=()
# An example counts only if its source is there too: a stale binary proves nothing.
have() { [[ -f $ROOT/examples/$1.rs && -x $EXAMPLES/$1 && -z ${BROKEN[$1]:-} ]]; }
# run EXAMPLE ARGS...: its key=value output on stdout; a failure is reported and counted.
run() {
    local ex=$1 out rc=0
    shift
    out=$(timeout "$STEP_TIMEOUT" "$EXAMPLES/$ex" "$@") || rc=$?
    if ((rc != 0)); then
        warn "$ex $* failed (exit $rc)"
        printf '%s\n' "$ex" >>"$CRASHES"
        return 1
    fi
    printf '%s\n' "$out"
}
kv() { sed -n "s/^.*\\b$1=\\([^ ]*\\).*\$/\\1/p" <<<"$2" | head -n1; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
n() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
rate() { [[ -n $1 ]] && calc '%.1fk/s' "$1 / 1000"; }

# ---------------------------------------------------------------- table
ROWS=()
NOTES=()
RAW=()
# row FIGURE OURS BASELINE RATIO SPREAD PAIRS TARGET MET: one line of the table.
row() { ROWS+=("$1|$2|$3|$4|$5|$6|$7|$8"); }
# single FIGURE VALUE TARGET MET: a figure without a baseline.
single() { row "$1" "$2" - - - - "$3" "$4"; }
# below VALUE LIMIT: yes/no, n/a without a value.
below() { [[ -n $1 ]] && awk -v v="$1" -v l="$2" 'BEGIN { print (v < l) ? "yes" : "no" }' || echo n/a; }
# median VALUES...: the middle one (the mean of the middle two for an even count).
median() {
    printf '%s\n' "$@" | sort -g | awk 'NF { v[n++] = $1 }
        END { if (n) printf "%g", (n % 2) ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2 }'
}

# ---------------------------------------------------------------- app-vs-bare pairs
# Every ratio is measured in alternating pairs, app then bare, PAIRS times in this one run
# on this one node: the node's and the machine's drift hits both sides of each pair
# alike, and the median of the pair ratios ignores one unlucky pair. A row shows the
# median ratio, its min-max spread, the pairs that completed and the median rates; every
# raw rate, pair by pair, is printed below the table.
#
# pair FIGURE TARGET PREPARE -- APP ARGS... -- BARE ARGS...
#   PREPARE is a command run before each side (e.g. "fill_queue N SIZE"), or -.
#   APP and BARE are example names: each prints msgs_per_sec=RATE on stdout, its clock
#   running from its first message to its last, so both sides time the same span.
#   A row whose example is missing or does not build shows n/a; a side that crashes or
#   times out loses its pair and fails the run at the end.
# The app side's outputs of the row's pairs are left in PAIR_APP_OUT for extra rows.
PAIR_APP_OUT=()
# prepare COMMAND: run a row's PREPARE (split into words); a failure counts as a crash,
# since the pair cannot be measured without it.
prepare() {
    [[ $1 == - ]] && return 0
    # shellcheck disable=SC2086 # a command and its arguments, split on purpose
    $1 && return 0
    warn "'$1' failed"
    printf '%s\n' "$1" >>"$CRASHES"
    return 1
}
pair() {
    local figure=$1 target=$2 prepare=$3 app=() bare=() ratios=() apps=() bares=() raw=()
    shift 3
    [[ ${1:-} == -- ]] || die "pair '$figure': expected -- before the app side"
    shift
    while (($#)) && [[ $1 != -- ]]; do app+=("$1"); shift; done
    (($#)) || die "pair '$figure': expected -- before the bare side"
    shift
    bare=("$@")
    PAIR_APP_OUT=()
    local tgt="none set"
    [[ -n $target ]] && tgt=">= ${target}x"
    if ! have "${app[0]}" || ! have "${bare[0]}"; then
        row "$figure" n/a n/a n/a - - "$tgt" n/a
        return
    fi
    step "$figure: $PAIRS pairs of ${app[0]} and ${bare[0]}"
    local p out a b
    for ((p = 1; p <= PAIRS; p++)); do
        a='' b=''
        if prepare "$prepare"; then
            out=$(run "${app[@]}") && a=$(kv msgs_per_sec "$out") && PAIR_APP_OUT+=("$out")
        fi
        if prepare "$prepare"; then
            out=$(run "${bare[@]}") && b=$(kv msgs_per_sec "$out")
        fi
        if [[ -n $a && -n $b ]]; then
            apps+=("$a") bares+=("$b") ratios+=("$(calc '%.3f' "$a / $b")")
            # Rounded from the same figure as the spread, so the two agree.
            raw+=("$(rate "$a")/$(rate "$b")=$(calc '%.2f' "${ratios[-1]}")")
        else
            raw+=("pair $p lost")
        fi
    done
    RAW+=("$figure: ${raw[*]}")
    if ((${#ratios[@]} == 0)); then
        row "$figure" error error n/a - "0/$PAIRS" "$tgt" n/a
        return
    fi
    local ratio lo hi met=n/a
    ratio=$(calc '%.2f' "$(median "${ratios[@]}")")
    lo=$(printf '%s\n' "${ratios[@]}" | sort -g | head -n1)
    hi=$(printf '%s\n' "${ratios[@]}" | sort -g | tail -n1)
    if [[ -n $target ]]; then
        met=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r >= t) ? "yes" : "no" }')
    fi
    row "$figure" "$(rate "$(median "${apps[@]}")")" "$(rate "$(median "${bares[@]}")")" \
        "$ratio" "$(calc '%.2f' "$lo")-$(calc '%.2f' "$hi")" "${#ratios[@]}/$PAIRS" "$tgt" "$met"
}

# print_table: the rows, the notes and the raw rates, as scripts/bench prints them.
print_table() {
    printf '%s\n' "figure|ours|baseline|ratio|spread|pairs|target|met" "${ROWS[@]}" | awk -F'|' '
        { for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } }
        END {
            for (r = 1; r <= NR; r++) {
                line = ""
                for (i = 1; i <= 8; i++) line = line sprintf("%-" w[i] "s", cell[r, i]) (i < 8 ? " | " : "")
                sub(/ +$/, "", line)
                print line
                if (r == 1) {
                    sep = ""
                    for (i = 1; i <= 8; i++) { d = ""; for (j = 0; j < w[i]; j++) d = d "-"; sep = sep d (i < 8 ? "-|-" : "") }
                    print sep
                }
            }
        }'
    ((${#NOTES[@]})) && printf '\n' && printf '* %s\n' "${NOTES[@]}"
    printf '\nratio: the median of the app/bare ratios of alternating pairs (app, then bare,\n'
    printf 'on the same node); spread: their min-max; ours, baseline: the median rates.\n'
    printf 'Timings are information: they never fail this script.\n'
    if ((${#RAW[@]})); then
        printf '\nraw rates, pair by pair (app/bare=ratio):\n'
        printf '  %s\n' "${RAW[@]}"
    fi
}

# ---------------------------------------------------------------- MQTT ingest rows
# Both sides of an MQTT ingest row subscribe with one client id, and so consume one
# subscription queue, which holds N messages before each side starts, as on the AMQP
# rows. RabbitMQ 3.10 keeps a QoS 1 subscription's queue between connections when the
# session is kept (clean session off): a subscribe and leave makes it. A QoS 0 one is
# auto-delete, gone once its client leaves: the bench declares it as the MQTT plugin
# would, and the side's SUBSCRIBE finds it full. The messages are filed over AMQP
# (bare_publisher to amq.topic, confirmed): the confirms say every message is in the
# queue before the clock can start, and it is the fastest way in; they reach both sides
# over MQTT all the same. One client id and topic per QoS, so the two rows' queues never
# share a binding. These need AMQP_URL, MQTT_URL and scripts/bench's queue function.
mqtt_client() { printf 'bench-in-qos%s' "$1"; }
mqtt_topic() { printf 'bench/in%s' "$1"; }
# RabbitMQ 3.10's name for a client's subscription queue of a QoS.
mqtt_queue() { printf 'mqtt-subscription-%sqos%s' "$(mqtt_client "$1")" "$1"; }
# mqtt_fill QOS N SIZE: that QoS's subscription queue, holding exactly N messages.
mqtt_fill() {
    local qos=$1 depth q key
    q=$(mqtt_queue "$qos")
    # The AMQP routing key RabbitMQ makes of the topic: '/' becomes '.'.
    key=$(mqtt_topic "$qos" | tr / .)
    if ((qos == 0)); then
        queue auto-delete "$q" amq.topic "$key" || return 1
    else
        # Subscribing with a kept session makes the queue and binds it; then empty it.
        run bare_mqtt_subscriber --uri "$MQTT_URL" --topic "$(mqtt_topic "$qos")" \
            --qos "$qos" --client-id "$(mqtt_client "$qos")" --no-clean-session --count 0 \
            >/dev/null || return 1
        queue purge "$q" || return 1
    fi
    run bare_publisher --uri "$AMQP_URL" --exchange amq.topic --key "$key" \
        --count "$2" --size "$3" --confirm >/dev/null || return 1
    depth=$(queue depth "$q") || return 1
    ((depth == $2)) || warn "the queue $q holds $depth of $2 messages"
}
# mqtt_ingest QOS N: the arguments of both sides of that QoS's ingest row, one a line;
# a kept session for QoS 1, whose queue outlives a connection only then.
mqtt_ingest() {
    local kept=()
    (($1 == 1)) && kept=(--no-clean-session)
    printf '%s\n' --uri "$MQTT_URL" --topic "$(mqtt_topic "$1")" --qos "$1" \
        --client-id "$(mqtt_client "$1")" "${kept[@]}" --count "$2"
}
