<?php
/**
 * Installs the contract-test WordPress site from the command line (called by .ci/setup-wordpress.sh).
 *
 * Usage: php install.php WORDPRESS_DIR SITE_URL UPLOADS_DIR
 * Prints exactly one line on stdout: the new application password of the user "redaktion".
 * The database must be empty; the Debian config file for the site's host must already exist.
 */

if ( PHP_SAPI !== 'cli' || count( $argv ) !== 4 ) {
	fwrite( STDERR, "usage: php install.php WORDPRESS_DIR SITE_URL UPLOADS_DIR\n" );
	exit( 2 );
}
[ , $wordpress_dir, $site_url, $uploads_dir ] = $argv;
$site_url = rtrim( $site_url, '/' );
$parts    = parse_url( $site_url );

// Debian's wp-config.php picks /etc/wordpress/config-<host>.php from HTTP_HOST (port stripped),
// so a command-line run has to present the same host a browser would.
$_SERVER['HTTP_HOST']       = $parts['host'] . ( isset( $parts['port'] ) ? ':' . $parts['port'] : '' );
$_SERVER['SERVER_NAME']     = $parts['host'];
$_SERVER['SERVER_PORT']     = (string) ( $parts['port'] ?? 80 );
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

define( 'WP_INSTALLING', true );
require rtrim( $wordpress_dir, '/' ) . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-includes/class-wp-application-passwords.php';

function kanal_fail( string $what, $error ): void {
	$detail = is_wp_error( $error ) ? $error->get_error_code() . ': ' . $error->get_error_message() : var_export( $error, true );
	fwrite( STDERR, "install.php: $what failed: $detail\n" );
	exit( 1 );
}

if ( is_blog_installed() ) {
	fwrite( STDERR, "install.php: the database already holds a WordPress site; empty it first\n" );
	exit( 1 );
}

// The administrator exists only because wp_install() needs one; its password is never shown.
$installed = wp_install(
	'Kommunbloggen',
	'kanal-admin',
	'admin@example.invalid',
	true,
	'',
	wp_generate_password( 32, false )
);
if ( empty( $installed['user_id'] ) ) {
	kanal_fail( 'wp_install', $installed );
}

// wp_install() guessed the URL from the command line; set the one the site is served on.
update_option( 'siteurl', $site_url );
update_option( 'home', $site_url );
update_option( 'blogdescription', 'Nyheter från kommunen' );
// A Swedish authority's site: local time differs from UTC, so only date_gmt is unambiguous.
update_option( 'timezone_string', 'Europe/Stockholm' );
update_option( 'gmt_offset', '' );

// Uploads live in the CI state folder (the router script serves them under /wp-content/uploads/).
if ( ! is_dir( $uploads_dir ) && ! mkdir( $uploads_dir, 0775, true ) ) {
	kanal_fail( 'creating the uploads folder', $uploads_dir );
}
update_option( 'upload_path', $uploads_dir );
update_option( 'upload_url_path', $site_url . '/wp-content/uploads' );

// Pretty permalinks, so that both /wp-json/... and ?rest_route=... are exercised.
global $wp_rewrite;
$wp_rewrite->set_permalink_structure( '/%postname%/' );
flush_rewrite_rules( false );

// The account Kanal uses: an editor, as a communications officer would have.
$editor_id = wp_insert_user(
	array(
		'user_login'   => 'redaktion',
		'user_pass'    => wp_generate_password( 32, false ),
		'user_email'   => 'redaktion@example.invalid',
		'display_name' => 'Redaktionen',
		'nickname'     => 'Redaktionen',
		'role'         => 'editor',
	)
);
if ( is_wp_error( $editor_id ) ) {
	kanal_fail( 'creating the user redaktion', $editor_id );
}

$created = WP_Application_Passwords::create_new_application_password( $editor_id, array( 'name' => 'Kanal CI' ) );
if ( is_wp_error( $created ) ) {
	kanal_fail( 'creating the application password', $created );
}
echo $created[0], "\n";
