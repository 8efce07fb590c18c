/* cmd_diff.h - keyaudit diff OLD.json NEW.json (cmd_diff.c). */
#ifndef KA_CMD_DIFF_H
#define KA_CMD_DIFF_H

int cmd_diff(int argc, char **argv);

#endif
