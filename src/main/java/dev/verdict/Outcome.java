package dev.verdict;

/**
 * What a decision tells the caller to do. The phrases are part of the public contract
 * (DESIGN.md, "Decision"): clients match on them, so they never change.
 */
public enum Outcome {
  ALLOW(200, null),
  BAD_REQUEST(400, "Bad request path"),
  UNAUTHENTICATED(401, "Unauthenticated"),
  INVALID_TOKEN(401, "Invalid token"),
  STEP_UP(403, "Step-up authentication required"),
  FORBIDDEN(403, "Insufficient permissions");

  private final int status;
  private final String error;

  Outcome(int status, String error) {
    this.status = status;
    this.error = error;
  }

  /** The HTTP status a gateway answers with. */
  public int status() {
    return status;
  }

  /** The public error phrase, or {@code null} for {@link #ALLOW}. */
  public String error() {
    return error;
  }
}
