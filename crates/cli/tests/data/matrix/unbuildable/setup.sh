#!/bin/sh
echo "looking for a JDK" >&2
echo "unbuildable: no JDK 17 here (install openjdk-17-jdk-headless)" >&2
exit 77
