//! Posts of one day come out in the order they were written: by date-time, then Thing
//! number, then file name, newest first (README "The site it builds").

mod common;

use common::{Fixture, listed_posts};

#[test]
fn posts_of_one_day_list_the_later_thing_first_and_link_in_that_order() {
    let site = Fixture::new("basic");
    for (file, thing) in [("2012-01-05-a-first.md", 1), ("2012-01-05-b-second.md", 2)] {
        site.write(
            &format!("posts/{file}"),
            &format!("---\ntitle: \"Thing {thing}\"\ndate: 2012-01-05\nthing: {thing}\n---\nText {thing}.\n"),
        );
    }
    site.build();
    let home = listed_posts(&site.page("index.html"));
    assert_eq!(&home[..2], ["b-second", "a-first"], "{home:?}");
    // The older of the two links forward to the newer.
    let first = site.page("posts/a-first/index.html");
    assert!(first.contains("<a href=\"/blog/posts/b-second/\" rel=\"next\">Thing 2</a>"), "Thing 1's next is Thing 2");
    let second = site.page("posts/b-second/index.html");
    assert!(
        second.contains("<a href=\"/blog/posts/a-first/\" rel=\"prev\">Thing 1</a>"),
        "Thing 2's previous is Thing 1"
    );
}
