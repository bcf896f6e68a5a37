#include <gtest/gtest.h>

#include "util/table.hpp"

namespace aiplat {
namespace {

TEST(Table, AlignsColumnsAndTrimsTrailingSpace) {
  Table t({"NAME", "VERSION", "NOTE"});
  t.add_row({"kueue", "0.19.2", ""});
  t.add_row({"gpu-operator", "26.7.0", "dra"});
  EXPECT_EQ(t.render(),
            "NAME           VERSION   NOTE\n"
            "kueue          0.19.2\n"
            "gpu-operator   26.7.0    dra\n");
  EXPECT_EQ(t.rows(), 2u);
}

TEST(Table, ShortRowsAndMultibyteText) {
  Table t({"A", "B"});
  t.add_row({"é"});
  t.add_row({"xy", "z"});
  EXPECT_EQ(t.render(), "A    B\né\nxy   z\n");
  EXPECT_EQ(display_width("1.34–1.37"), 9u);
}

}  // namespace
}  // namespace aiplat
