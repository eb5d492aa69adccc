"""The mock's object removal, checked by value: which pixels the mask frees, what fills them,
where the AI mark or the caller's logo lands and how a rect past the image's edge is clipped."""

from __future__ import annotations

import pytest
from PIL import Image, ImageFont

from generator.runtime.mock import effects

from .effects_support import colours_of, effect_task, halves, picture, quadrants, solid

RED, GREEN, BLUE, YELLOW = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)
WHITE, GREY = (255, 255, 255), (128, 128, 128)
LOGO = quadrants(20, 10, (RED, BLUE, GREEN, YELLOW))  # 10 x 5 quadrants


def near(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def mask_of(size: tuple[int, int], value: int, box: tuple[int, int, int, int] | None = None):
    """A grey mask: ``value`` inside ``box`` (everywhere without one), black elsewhere."""
    mask = Image.new("L", size, 0 if box else value)
    if box:
        mask.paste(value, box)
    return mask


# -- the mask and the fill ------------------------------------------------------------------------


def test_mean_colour_counts_only_the_known_pixels() -> None:
    img = halves(10, 4, (10, 20, 30), (50, 60, 70))
    assert effects._mean_colour(img, mask_of((10, 4), 255, (0, 0, 5, 4))) == (10, 20, 30)
    assert effects._mean_colour(img, mask_of((10, 4), 255)) == (30, 40, 50)
    assert effects._mean_colour(img, mask_of((10, 4), 0)) == GREY


def test_fill_keeps_every_known_pixel_and_fills_the_hole_from_its_surroundings() -> None:
    img = halves(64, 16, RED, BLUE)
    img.paste(GREEN, (24, 0, 40, 16))  # what the mask removes
    hole = mask_of((64, 16), 255, (24, 0, 40, 16))
    filled = effects.fill_from_surroundings(img, hole)
    for x in [*range(0, 24), *range(40, 64)]:
        assert filled.getpixel((x, 8)) == img.getpixel((x, 8)), x
    assert all(filled.getpixel((x, y))[1] < 20 for x in range(24, 40) for y in range(16))
    left, right = filled.getpixel((25, 8)), filled.getpixel((38, 8))
    assert left[0] > 200 > left[2] and right[2] > 200 > right[0]  # each side takes its neighbour


def test_fill_of_a_hole_in_a_flat_picture_is_that_colour() -> None:
    img = solid(40, 30, (90, 140, 200))
    img.paste(RED, (5, 5, 35, 25))
    filled = effects.fill_from_surroundings(img, mask_of((40, 30), 255, (5, 5, 35, 25)))
    for point in [(5, 5), (20, 15), (34, 24), (6, 20)]:
        assert near(filled.getpixel(point), (90, 140, 200), 1), point


def test_fill_of_a_hole_in_a_gradient_follows_the_gradient() -> None:
    img = Image.new("RGB", (64, 64))
    img.putdata([(4 * x, 100, 100) for y in range(64) for x in range(64)])
    filled = effects.fill_from_surroundings(img, mask_of((64, 64), 255, (24, 24, 40, 40)))
    errors = [abs(filled.getpixel((x, y))[0] - 4 * x) for x in range(24, 40) for y in range(24, 40)]
    assert sum(errors) / len(errors) <= 8 and max(errors) <= 20  # the gradient's 4 a pixel
    assert filled.getpixel((39, 32))[0] - filled.getpixel((24, 32))[0] >= 60


def removal(image, mask, args=None, logo=None):
    slots = {"mask": mask} if logo is None else {"mask": mask, "logo": logo}
    files = effects.inpaint_removal(effect_task("inpaint_removal", image, args=args, slots=slots))
    assert list(files) == ["result.jpg"]
    data, mime = files["result.jpg"]
    assert mime == "image/jpeg" and data[:2] == b"\xff\xd8"
    return picture(data)


@pytest.mark.parametrize(
    ("value", "removed"), [(127, False), (128, True), (255, True)], ids=["127", "128", "255"]
)
def test_a_mask_pixel_removes_from_half_grey_up(value: int, removed: bool) -> None:
    img = halves(32, 32, RED, BLUE)
    result = removal(img, mask_of((32, 32), value), {"logo_add": 0})
    expected = {(2, 16): GREY, (30, 16): GREY} if removed else {(2, 16): RED, (30, 16): BLUE}
    for point, colour in expected.items():
        assert near(result.getpixel(point), colour, 8), (point, result.getpixel(point))


def test_a_removal_frees_only_the_masked_part() -> None:
    img = solid(48, 32, (40, 160, 90))
    img.paste(RED, (16, 8, 32, 24))
    result = removal(img, mask_of((48, 32), 200, (16, 8, 32, 24)), {"logo_add": "0"})
    assert result.size == (48, 32)
    assert near(result.getpixel((24, 16)), (40, 160, 90), 8)
    assert near(result.getpixel((2, 2)), (40, 160, 90), 8)


# -- the AI mark ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [{}, {"logo_add": 1}, {"logo_add": "1"}], ids=["default", "one", "text-one"]
)
def test_a_removal_marks_the_lower_right_corner_unless_told_not_to(args: dict) -> None:
    result = removal(solid(200, 100, WHITE), mask_of((200, 100), 0), args)
    assert near(result.getpixel((199, 99)), (115, 115, 115), 6)
    assert near(result.getpixel((100, 50)), WHITE, 4)


@pytest.mark.parametrize("off", [0, "0"], ids=["zero", "text-zero"])
def test_a_removal_told_not_to_mark_leaves_the_corner(off) -> None:
    result = removal(solid(200, 100, WHITE), mask_of((200, 100), 0), {"logo_add": off})
    assert near(result.getpixel((199, 99)), WHITE, 4)


@pytest.mark.parametrize(
    ("height", "font_size", "pad"),
    [(60, 10, 2), (100, 10, 2), (400, 20, 5), (410, 20, 5)],
    ids=["small", "h100", "h400", "h410"],
)
def test_the_ai_mark_is_a_padded_dark_box_with_the_text_in_the_corner(
    height, font_size, pad
) -> None:
    img = solid(300, height, WHITE)
    marked = effects._ai_mark(img)
    assert img.getpixel((299, height - 1)) == WHITE  # the input is left as it was
    left, top, right, bottom = ImageFont.load_default(font_size).getbbox("AI generated")
    box = (300 - (right - left) - 2 * pad, height - (bottom - top) - 2 * pad)
    last_row = [marked.getpixel((x, height - 1)) for x in range(300)]
    last_column = [marked.getpixel((299, y)) for y in range(height)]
    assert last_row.index((115, 115, 115)) == box[0]  # black at alpha 140 over white
    assert last_column.index((115, 115, 115)) == box[1]
    assert set(last_row[: box[0]]) == {WHITE} and set(last_column[: box[1]]) == {WHITE}
    text = marked.crop((*box, 300, height)).convert("L").point(lambda v: 255 if v > 150 else 0)
    ink = text.getbbox()
    assert ink is not None
    assert ink[1] == pad and ink[3] == pad + bottom - top
    assert pad <= ink[0] <= pad + 1 and ink[2] <= pad + right - left + 1


# -- the caller's logo ----------------------------------------------------------------------------


def logo_on(size: tuple[int, int], rect: dict, logo: Image.Image = LOGO) -> Image.Image:
    return effects._paste_logo(solid(*size, WHITE), logo, rect)


def changed(img: Image.Image) -> tuple[int, int, int, int] | None:
    """The bounding box of what is no longer white."""
    return Image.eval(img.convert("L"), lambda v: 255 - v).getbbox()


def test_a_logo_without_a_rect_takes_a_tenth_of_the_width_in_the_lower_right() -> None:
    marked = logo_on((200, 60), {})
    assert changed(marked) == (180, 50, 200, 60)  # 20 wide, 10 high as the logo's aspect
    assert marked.getpixel((180, 50)) == RED and marked.getpixel((199, 59)) == YELLOW


def test_a_logo_with_only_a_width_keeps_its_aspect() -> None:
    marked = logo_on((200, 60), {"Width": 40})
    assert changed(marked) == (160, 40, 200, 60)
    assert marked.getpixel((160, 40)) == RED and marked.getpixel((199, 59)) == YELLOW


def test_a_logo_with_only_a_height_keeps_the_default_width() -> None:
    marked = logo_on((200, 60), {"Height": 30})
    assert changed(marked) == (180, 30, 200, 60)


def test_a_logo_on_a_narrow_image_is_at_least_one_pixel() -> None:
    assert changed(logo_on((5, 5), {})) == (4, 4, 5, 5)
    assert changed(logo_on((9, 40), {}, quadrants(2, 40, (RED, BLUE, GREEN, YELLOW)))) == (
        8,
        20,
        9,
        40,
    )


def test_a_logo_in_a_rect_fills_exactly_that_rect() -> None:
    marked = logo_on((100, 50), {"X": 10, "Y": 5, "Width": 20, "Height": 10})
    assert changed(marked) == (10, 5, 30, 15)
    assert [marked.getpixel(p) for p in [(10, 5), (29, 5), (10, 14), (29, 14)]] == [
        RED,
        BLUE,
        GREEN,
        YELLOW,
    ]


def test_a_logo_rect_with_only_x_and_y_takes_the_default_size_there() -> None:
    assert changed(logo_on((100, 50), {"X": 3, "Y": 7})) == (3, 7, 13, 12)


def test_a_logo_rect_one_pixel_wide_or_high_is_drawn() -> None:
    assert changed(logo_on((100, 50), {"X": 4, "Y": 4, "Width": 1, "Height": 6})) == (4, 4, 5, 10)
    assert changed(logo_on((100, 50), {"X": 4, "Y": 4, "Width": 6, "Height": 1})) == (4, 4, 10, 5)


@pytest.mark.parametrize(
    ("rect", "bbox", "colours"),
    [
        ({"X": -10, "Y": -5, "Width": 20, "Height": 10}, (0, 0, 10, 5), {(5, 2): YELLOW}),
        ({"X": -20, "Y": -10, "Width": 40, "Height": 20}, (0, 0, 20, 10), {(10, 5): YELLOW}),
        ({"X": 90, "Y": 45, "Width": 20, "Height": 10}, (90, 45, 100, 50), {(95, 47): RED}),
        ({"X": 80, "Y": 40, "Width": 40, "Height": 20}, (80, 40, 100, 50), {(90, 45): RED}),
        (
            {"X": -20, "Y": 0, "Width": 40, "Height": 20},
            (0, 0, 20, 20),
            {(10, 5): BLUE, (10, 15): YELLOW},
        ),
        (
            {"X": 0, "Y": -10, "Width": 40, "Height": 20},
            (0, 0, 40, 10),
            {(10, 5): GREEN, (30, 5): YELLOW},
        ),
    ],
    ids=["top-left-1x", "top-left-2x", "bottom-right-1x", "bottom-right-2x", "left-2x", "top-2x"],
)
def test_a_logo_past_the_edge_shows_only_the_part_inside(rect, bbox, colours) -> None:
    marked = logo_on((100, 50), rect)
    assert changed(marked) == bbox
    assert {point: marked.getpixel(point) for point in colours} == colours


def test_a_clipped_logo_shows_the_part_of_the_logo_the_rect_puts_there() -> None:
    marked = logo_on((100, 50), {"X": 85, "Y": -2, "Width": 20, "Height": 10})
    assert changed(marked) == (85, 0, 100, 8)
    assert marked.getpixel((85, 0)) == RED and marked.getpixel((94, 2)) == RED
    assert marked.getpixel((95, 0)) == BLUE and marked.getpixel((99, 2)) == BLUE
    assert marked.getpixel((85, 7)) == GREEN and marked.getpixel((99, 7)) == YELLOW


@pytest.mark.parametrize(
    "rect",
    [
        {"X": 100, "Y": 0, "Width": 20, "Height": 10},
        {"X": 0, "Y": 50, "Width": 20, "Height": 10},
        {"X": -20, "Y": 0, "Width": 20, "Height": 10},
        {"X": 0, "Y": -10, "Width": 20, "Height": 10},
        {"X": 5, "Y": 5, "Width": -3, "Height": 10},
        {"X": 5, "Y": 5, "Width": 10, "Height": -3},
    ],
    ids=["right-of", "below", "left-of", "above", "negative-width", "negative-height"],
)
def test_a_logo_rect_that_misses_the_image_changes_nothing(rect) -> None:
    assert changed(logo_on((100, 50), rect)) is None


def test_a_removal_with_a_logo_pastes_it_in_the_rect_instead_of_the_mark() -> None:
    rect = {"X": 0, "Y": 0, "Width": 40, "Height": 20}
    result = removal(solid(200, 100, WHITE), mask_of((200, 100), 0), {"logo_rect": rect}, logo=LOGO)
    assert near(result.getpixel((5, 3)), RED, 12) and near(result.getpixel((35, 16)), YELLOW, 12)
    assert near(result.getpixel((199, 99)), WHITE, 4)  # no AI mark beside a logo
    default = removal(solid(200, 100, WHITE), mask_of((200, 100), 0), {}, logo=LOGO)
    assert near(default.getpixel((182, 91)), RED, 16) and near(
        default.getpixel((198, 98)), YELLOW, 16
    )
    off = removal(solid(200, 100, WHITE), mask_of((200, 100), 0), {"logo_add": 0}, logo=LOGO)
    assert near(off.getpixel((198, 98)), WHITE, 4)


def test_a_transparent_logo_is_pasted_without_its_alpha() -> None:
    logo = Image.new("RGBA", (10, 10), (0, 0, 255, 0))
    rect = {"X": 0, "Y": 0, "Width": 40, "Height": 20}
    result = removal(solid(200, 100, WHITE), mask_of((200, 100), 0), {"logo_rect": rect}, logo=logo)
    assert near(result.getpixel((20, 10)), (0, 0, 255), 12)


def test_a_removal_draws_on_a_copy() -> None:
    img = solid(30, 20, WHITE)
    effects._paste_logo(img, LOGO, {})
    effects._ai_mark(img)
    assert colours_of(img) == {WHITE}
