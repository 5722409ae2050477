#!/usr/bin/env bash
# A tiny calculator the agent is asked to fix.
add() {
  echo $(( $1 - $2 ))
}
