package dev.outlane.twilio.sms;

/** The User-Agent this module sends, so Twilio support can tell Outlane traffic apart. */
final class UserAgent {
  static final String VALUE = "outlane-twilio (twilio-java 13)";

  private UserAgent() {}
}
