// Reading a workspace form back into the API's shape: controls are found by their API field path (data-path, set by
// forms.js's field()), and a map point is two number fields that are either both empty (no point) or a point.
// The survey, the volunteer form, trainings and back-fills all read their forms through here.

/** Values of the controls under `root`, by API field path. */
export function formValues(root) {
  const control = (path) => root.querySelector(`[data-path="${CSS.escape(path)}"]`);
  const text = (path) => control(path)?.value ?? '';
  return {
    /** The control's text ('' when the form has no such field). */
    text,
    /** The text, or null when empty: the API's optional fields. */
    optional: (path) => text(path) || null,
    /** A number field: null when empty, so the API (not NaN) says what is missing. */
    number: (path) => (text(path) === '' ? null : Number(text(path))),
    /** The values of the ticked boxes of a data-group. */
    checked: (group) => [...root.querySelectorAll(`[data-group="${CSS.escape(group)}"]:checked`)].map((box) => box.value),
    /** `{lat, lng}` of the fields `${prefix}.lat` and `${prefix}.lng`; null when both are empty. */
    location: (prefix) => {
      const lat = text(`${prefix}.lat`);
      const lng = text(`${prefix}.lng`);
      if (lat === '' && lng === '') return null;
      return { lat: lat === '' ? null : Number(lat), lng: lng === '' ? null : Number(lng) };
    },
  };
}

/** The API's rule for a point: both coordinates given and in range. */
export function checkLocation(rules, prefix, location) {
  if (!location) return;
  rules.range(`${prefix}.lat`, location.lat, -90, 90, true);
  rules.range(`${prefix}.lng`, location.lng, -180, 180, true);
}
