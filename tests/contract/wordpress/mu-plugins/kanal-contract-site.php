<?php
/**
 * Plugin Name: Kanal contract-test site
 * Description: Site settings the contract tests need; copied into the mu-plugins folder by .ci/setup-wordpress.sh.
 */

// Citizens comment without an account. WordPress's REST API refuses anonymous comments unless a
// site opts in; sites that take comments from the public through apps do exactly this.
add_filter( 'rest_allow_anonymous_comments', '__return_true' );

// Every test citizen posts from 127.0.0.1; WordPress's flood check (one comment per 15 seconds
// per IP address) would otherwise turn a test's second comment into "comment_flood".
add_filter( 'wp_is_comment_flood', '__return_false', 100 );

// There is no mail transport on a CI machine; moderation notices would only log errors.
add_filter( 'pre_wp_mail', '__return_false' );
