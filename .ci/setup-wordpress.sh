#!/usr/bin/env bash
# Installs and starts a real WordPress for the contract tests: Debian's `wordpress` package, MariaDB,
# and PHP's built-in web server on loopback. Runs as root on Debian 12, without systemd or stdin.
#
#   eval "$(.ci/setup-wordpress.sh)"
#
# stdout carries only `export ...` lines (KANAL_TEST_WORDPRESS_URL, _USER, _APP_PASSWORD and
# KANAL_CI_STATE); progress goes to stderr. Running it again starts over with an empty site.
# Stop the web server (it and its workers form one process group) with
#   kill -- -"$(cat "$KANAL_CI_STATE/wordpress/php-server.pid")"
#
# One such site per machine: the Debian config file is chosen by host (127.0.0.1, whatever the
# port), so a new run replaces the database of any earlier site, wherever its state folder is.
#
# Environment:
#   KANAL_CI_STATE          folder for everything this script creates (default: a new temporary folder)
#   KANAL_WORDPRESS_PORT    port for the web server (default: a free port)
#   KANAL_WORDPRESS_DB      database and database user name (default: kanal_wordpress)
set -euo pipefail

log() { printf 'setup-wordpress: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (installs packages, writes /etc/wordpress)"

started_at=$(date +%s)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
support="$(dirname "$here")/tests/contract/wordpress"
[ -f "$support/install.php" ] || die "missing $support/install.php"

state="${KANAL_CI_STATE:-$(mktemp -d -t kanal-ci.XXXXXX)}"
mkdir -p "$state"
state=$(cd "$state" && pwd)
wp_state="$state/wordpress"
mkdir -p "$wp_state"

wordpress_dir=/usr/share/wordpress
db_name="${KANAL_WORDPRESS_DB:-kanal_wordpress}"
[[ "$db_name" =~ ^[A-Za-z0-9_]+$ ]] || die "KANAL_WORDPRESS_DB may hold only letters, digits and _"
site_host=127.0.0.1
# Debian's wp-config.php strips the port from HTTP_HOST, so 127.0.0.1:PORT reads this file.
debian_config="/etc/wordpress/config-${site_host}.php"

# --- packages -------------------------------------------------------------------------------
packages=(wordpress wordpress-theme-twentytwentythree mariadb-server mariadb-client
          php-cli php-mysql php-gd php-mbstring php-xml)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
        log "apt-get update"
        apt-get update -q >&2
    fi
    log "installing ${missing[*]}"
    install_missing() {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            "${missing[@]}" >&2
    }
    # Stale package lists make downloads fail with 404: refresh them once and try again.
    install_missing || { apt-get update -q >&2 && install_missing; }
fi

# --- MariaDB --------------------------------------------------------------------------------
mariadb_up() { mariadb-admin --silent ping >/dev/null 2>&1; }
if ! mariadb_up; then
    log "starting MariaDB"
    if [ -x /etc/init.d/mariadb ]; then
        service mariadb start >&2 || true
    fi
    if ! mariadb_up; then
        mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
        setsid mysqld_safe >"$wp_state/mysqld_safe.log" 2>&1 < /dev/null &
    fi
    for _ in $(seq 1 120); do
        mariadb_up && break
        sleep 0.5
    done
    mariadb_up || die "MariaDB did not start (see $wp_state/mysqld_safe.log)"
fi
db_socket=$(mariadb -N -B -e 'SELECT @@socket')

random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
db_password=$(random_hex 16)
log "creating database $db_name"
mariadb <<SQL
DROP DATABASE IF EXISTS \`$db_name\`;
CREATE DATABASE \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$db_name'@'localhost' IDENTIFIED BY '$db_password';
ALTER USER '$db_name'@'localhost' IDENTIFIED BY '$db_password';
GRANT ALL PRIVILEGES ON \`$db_name\`.* TO '$db_name'@'localhost';
FLUSH PRIVILEGES;
SQL

# --- stop a server an earlier run in this state folder started -------------------------------
pid_file="$wp_state/php-server.pid"
if [ -f "$pid_file" ]; then
    old_pid=$(cat "$pid_file")
    if [ -n "$old_pid" ] && kill -0 "$old_pid" 2>/dev/null \
        && tr '\0' ' ' <"/proc/$old_pid/cmdline" 2>/dev/null | grep -q -- "-S $site_host:"; then
        log "stopping the web server of an earlier run (process group $old_pid)"
        # setsid made the server a process-group leader; its worker processes share the group.
        kill -- "-$old_pid" 2>/dev/null || kill "$old_pid"
        for _ in $(seq 1 50); do kill -0 -- "-$old_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pid_file"
fi

port_free() {
    php -r '$s = @stream_socket_server("tcp://" . $argv[1] . ":" . $argv[2]); exit($s ? 0 : 1);' \
        "$site_host" "$1"
}
if [ -n "${KANAL_WORDPRESS_PORT:-}" ]; then
    port="$KANAL_WORDPRESS_PORT"
    port_free "$port" || die "port $port on $site_host is in use"
else
    port=$(php -r '$s = stream_socket_server("tcp://" . $argv[1] . ":0");
        $name = stream_socket_get_name($s, false); echo substr($name, strrpos($name, ":") + 1);' \
        "$site_host")
fi
site_url="http://$site_host:$port"

# --- WordPress configuration ----------------------------------------------------------------
rm -rf "$wp_state/uploads"  # the database starts empty, so do its files
mkdir -p "$wp_state/mu-plugins" "$wp_state/uploads"
cp "$support"/mu-plugins/*.php "$wp_state/mu-plugins/"
cp "$support/router.php" "$wp_state/router.php"

salts=""
for key in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT \
           LOGGED_IN_SALT NONCE_SALT; do
    salts+="define('$key', '$(random_hex 32)');"$'\n'
done
mkdir -p /etc/wordpress
config_tmp=$(mktemp "$wp_state/config.XXXXXX")
cat >"$config_tmp" <<PHP
<?php
// Written by Kanal's .ci/setup-wordpress.sh for the contract tests; rewritten on every run.
define('DB_NAME', '$db_name');
define('DB_USER', '$db_name');
define('DB_PASSWORD', '$db_password');
define('DB_HOST', 'localhost:$db_socket');
define('DB_CHARSET', 'utf8mb4');
// Application passwords over plain http are accepted only on a 'local' site.
define('WP_ENVIRONMENT_TYPE', 'local');
define('WPMU_PLUGIN_DIR', '$wp_state/mu-plugins');
// No cron requests looping back into the single test server, and no calls to the internet.
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_DEBUG', false);
$salts
PHP
chmod 0640 "$config_tmp"
chgrp www-data "$config_tmp" 2>/dev/null || true
mv "$config_tmp" "$debian_config"

# --- install the site -----------------------------------------------------------------------
log "installing the site at $site_url"
app_password=$(php "$support/install.php" "$wordpress_dir" "$site_url" "$wp_state/uploads" \
    2>"$wp_state/install.log") || { cat "$wp_state/install.log" >&2; die "install.php failed"; }
[ -n "$app_password" ] || die "install.php printed no application password"

# --- web server -----------------------------------------------------------------------------
log "starting php -S on $site_url"
# Debian's wp-config.php default WP_CONTENT_DIR (its Apache config aliases /wp-content to it).
wp_content_dir=/var/lib/wordpress/wp-content
KANAL_WP_CONTENT_DIR="$wp_content_dir" KANAL_WP_UPLOADS_DIR="$wp_state/uploads" \
PHP_CLI_SERVER_WORKERS=4 \
    setsid php -d post_max_size=64M -d upload_max_filesize=64M -d memory_limit=256M \
    -S "$site_host:$port" -t "$wordpress_dir" "$wp_state/router.php" \
    >"$wp_state/php-server.log" 2>&1 </dev/null &
echo $! >"$pid_file"

check_site() {
    php -r '
        [, $url, $user, $password] = $argv;
        $context = stream_context_create(["http" => [
            "header" => "Authorization: Basic " . base64_encode("$user:$password"),
            "ignore_errors" => true, "timeout" => 5]]);
        $body = @file_get_contents("$url/wp-json/wp/v2/users/me?context=edit", false, $context);
        $me = $body === false ? null : json_decode($body, true);
        exit(is_array($me) && ($me["username"] ?? "") === $user ? 0 : 1);
    ' "$site_url" redaktion "$app_password"
}
for _ in $(seq 1 100); do
    check_site && break
    kill -0 "$(cat "$pid_file")" 2>/dev/null || die "php -S exited (see $wp_state/php-server.log)"
    sleep 0.2
done
check_site || die "WordPress does not accept the application password at $site_url"

# The same lines in a file, for other shells on this machine (`. "$KANAL_CI_STATE/wordpress/env.sh"`).
env_file="$wp_state/env.sh"
(
    umask 077
    {
        printf 'export KANAL_CI_STATE=%q\n' "$state"
        printf 'export KANAL_TEST_WORDPRESS_URL=%q\n' "$site_url"
        printf 'export KANAL_TEST_WORDPRESS_USER=%q\n' redaktion
        printf 'export KANAL_TEST_WORDPRESS_APP_PASSWORD=%q\n' "$app_password"
    } >"$env_file"
)
log "ready in $(( $(date +%s) - started_at )) s; server pid $(cat "$pid_file"), state in $state"
cat "$env_file"
