<?php
/**
 * Router for PHP's built-in web server (php -S ... router.php), doing what Debian's Apache
 * configuration and WordPress's .htaccess rules do: /wp-content/ comes from WP_CONTENT_DIR, uploads
 * from the CI state folder, existing files are served as they are, and every other path (pretty
 * permalinks, /wp-json/...) goes to WordPress's front controller.
 *
 * Environment: KANAL_WP_CONTENT_DIR, KANAL_WP_UPLOADS_DIR.
 */

$kanal_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );

/** Sends a file below $base, or a 404 when the path leaves $base or names no file. */
function kanal_send_file_below( string $base, string $relative ): bool {
	$root = realpath( $base );
	$file = realpath( $base . '/' . $relative );
	if ( false === $root || false === $file || ! is_file( $file ) || 0 !== strpos( $file, $root . '/' ) ) {
		http_response_code( 404 );
		return true;
	}
	if ( 'php' === strtolower( pathinfo( $file, PATHINFO_EXTENSION ) ) ) {
		http_response_code( 403 );
		return true;
	}
	$type = function_exists( 'mime_content_type' ) ? mime_content_type( $file ) : false;
	header( 'Content-Type: ' . ( $type ?: 'application/octet-stream' ) );
	header( 'Content-Length: ' . filesize( $file ) );
	readfile( $file );
	return true;
}

$kanal_uploads = getenv( 'KANAL_WP_UPLOADS_DIR' );
if ( $kanal_uploads && 0 === strpos( $kanal_path, '/wp-content/uploads/' ) ) {
	return kanal_send_file_below( $kanal_uploads, substr( $kanal_path, strlen( '/wp-content/uploads/' ) ) );
}
$kanal_content = getenv( 'KANAL_WP_CONTENT_DIR' );
if ( $kanal_content && 0 === strpos( $kanal_path, '/wp-content/' ) ) {
	return kanal_send_file_below( $kanal_content, substr( $kanal_path, strlen( '/wp-content/' ) ) );
}

$kanal_docroot = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
if ( '/' !== $kanal_path && file_exists( $kanal_docroot . $kanal_path ) ) {
	return false; // A real file or PHP script (wp-login.php, wp-admin/...): the server handles it.
}

$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $kanal_docroot . '/index.php';
chdir( $kanal_docroot );
require $kanal_docroot . '/index.php';
