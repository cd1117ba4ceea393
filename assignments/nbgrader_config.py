# nbgrader's settings for a course that runs the formgrader on this folder (jupyter server
# started here); scripts/assignments needs none of them and grades in a scratch folder.
c = get_config()  # noqa: F821 (provided by nbgrader)
c.CourseDirectory.course_id = "hpg-book"
